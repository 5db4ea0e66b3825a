package dev.launchline.doctor;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The doctor's DNS questions, asked of one resolver (the system's, or --resolver host:port), one
 * query per question and no cache of our own: the doctor reports what the world sees now.
 */
final class Dns {
    /** What a name holds for one type; {@code exists} is false for NXDOMAIN. */
    record Answer(List<org.xbill.DNS.Record> records, boolean exists) {
        boolean isVoid() {
            return records.isEmpty();
        }
    }

    private final Resolver resolver;

    private Dns(Resolver resolver) {
        this.resolver = resolver;
        resolver.setTimeout(Duration.ofSeconds(3));
        resolver.setEDNS(0, 4096, 0, List.of()); // DKIM keys do not fit 512 bytes
    }

    static Dns system() {
        return new Dns(new ExtendedResolver());
    }

    /** host:port of a resolver, e.g. 127.0.0.1:5353. */
    static Dns at(InetSocketAddress address) {
        SimpleResolver resolver = new SimpleResolver(address);
        return new Dns(resolver);
    }

    Answer query(String name, int type) {
        try {
            Message response = resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(
                    Name.fromString(absolute(name)), type, DClass.IN)));
            int rcode = response.getRcode();
            if (rcode == Rcode.NXDOMAIN) {
                return new Answer(List.of(), false);
            }
            if (rcode != Rcode.NOERROR) {
                throw new DnsFailure(name + " " + Type.string(type) + ": the resolver answered " + Rcode.string(rcode));
            }
            List<org.xbill.DNS.Record> records = new ArrayList<>();
            for (org.xbill.DNS.Record record : response.getSection(Section.ANSWER)) {
                if (record.getType() == type) {
                    records.add(record);
                }
            }
            return new Answer(records, true);
        } catch (TextParseException malformed) {
            throw new DnsFailure("not a domain name: " + name);
        } catch (IOException unreachable) {
            throw new DnsFailure(name + " " + Type.string(type) + ": no answer from the resolver (" + unreachable.getMessage() + ")");
        }
    }

    /** TXT strings of a name, each record's strings joined as RFC 7208 says. */
    List<String> txt(String name) {
        List<String> texts = new ArrayList<>();
        for (org.xbill.DNS.Record record : query(name, Type.TXT).records()) {
            texts.add(String.join("", ((TXTRecord) record).getStrings()));
        }
        return texts;
    }

    List<InetAddress> addresses(String name) {
        List<InetAddress> addresses = new ArrayList<>();
        query(name, Type.A).records().forEach(record -> addresses.add(((ARecord) record).getAddress()));
        query(name, Type.AAAA).records().forEach(record -> addresses.add(((AAAARecord) record).getAddress()));
        return addresses;
    }

    List<String> mailExchangers(String name) {
        List<String> targets = new ArrayList<>();
        for (org.xbill.DNS.Record record : query(name, Type.MX).records()) {
            targets.add(relative(((MXRecord) record).getTarget()));
        }
        return targets;
    }

    static String relative(Name name) {
        String text = name.toString();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    private static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    static InetSocketAddress parseAddress(String hostPort) throws UnknownHostException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return new InetSocketAddress(InetAddress.getByName(hostPort), 53);
        }
        return new InetSocketAddress(InetAddress.getByName(hostPort.substring(0, colon)),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** The resolver did not answer, or answered SERVFAIL/REFUSED: a check that cannot be made. */
    static final class DnsFailure extends RuntimeException {
        DnsFailure(String message) {
            super(message, null, false, false);
        }
    }
}
