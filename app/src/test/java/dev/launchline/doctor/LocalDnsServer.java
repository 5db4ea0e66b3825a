package dev.launchline.doctor;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.Zone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An authoritative DNS server on 127.0.0.1 for the doctor's tests: zones from zone-file text
 * (dnsjava parses them), answered over UDP. Names outside every zone get NXDOMAIN.
 */
final class LocalDnsServer implements AutoCloseable {
    private final List<Zone> zones = new ArrayList<>();
    private final DatagramSocket socket;
    private final Thread thread;

    LocalDnsServer(String... zoneTexts) throws IOException {
        for (String text : zoneTexts) {
            zones.add(zone(text));
        }
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofPlatform().daemon().name("local-dns").start(this::serve);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    String hostPort() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private static Zone zone(String text) throws IOException {
        List<Record> records = new ArrayList<>();
        try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            for (Record record = master.nextRecord(); record != null; record = master.nextRecord()) {
                records.add(record);
            }
        }
        return new Zone(records.get(0).getName(), records.toArray(Record[]::new));
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] answer = answer(query).toWire();
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException closedOrMalformed) {
                // closed at the end of a test, or a packet that is not DNS: nothing to answer
            }
        }
    }

    private Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        Zone zone = zoneOf(question.getName());
        if (zone == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        SetResponse found = zone.findRecords(question.getName(), question.getType());
        if (found.isNXDOMAIN()) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        } else if (found.isSuccessful()) {
            for (RRset set : found.answers()) {
                set.rrs().forEach(record -> response.addRecord(record, Section.ANSWER));
            }
        }
        return response;
    }

    private Zone zoneOf(Name name) {
        Zone best = null;
        for (Zone zone : zones) {
            if (name.subdomain(zone.getOrigin())
                    && (best == null || zone.getOrigin().labels() > best.getOrigin().labels())) {
                best = zone;
            }
        }
        return best;
    }

    @Override
    public void close() {
        socket.close();
    }

    /** A zone's text with its SOA and NS, so that the records can be written as a plain list. */
    static String zoneText(String origin, String records) {
        return "$ORIGIN " + origin + ".\n$TTL 300\n"
                + "@ IN SOA ns1." + origin + ". hostmaster." + origin + ". 1 3600 600 86400 300\n"
                + "@ IN NS ns1." + origin + ".\n" + records;
    }
}
