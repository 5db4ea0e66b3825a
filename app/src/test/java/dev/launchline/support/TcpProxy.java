package dev.launchline.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder that a test can cut and restore, to take a real server (PostgreSQL)
 * away from the service and give it back: cut closes every forwarded connection and the
 * listening socket (new connections are refused, as from a stopped database); restore listens
 * on the same port again.
 */
public final class TcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = TestStack.freePort();
        restore();
    }

    public int port() {
        return port;
    }

    /** The same JDBC URL, through this proxy. */
    public static TcpProxy forJdbcUrl(String jdbcUrl) throws IOException {
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        String hostPort = rest.substring(0, rest.indexOf('/'));
        int colon = hostPort.lastIndexOf(':');
        return new TcpProxy(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    public String jdbcUrl(String throughUrl) {
        String rest = throughUrl.substring("jdbc:postgresql://".length());
        return "jdbc:postgresql://127.0.0.1:" + port + rest.substring(rest.indexOf('/'));
    }

    public synchronized void restore() throws IOException {
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = listening;
        Thread.ofVirtual().start(() -> accept(listening));
    }

    public synchronized void cut() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        open.clear();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                synchronized (this) {
                    // accepted just before a cut: it must not outlive it (a pool filling itself
                    // at that moment kept a working connection through the "outage")
                    if (listening.isClosed()) {
                        client.close();
                        upstream.close();
                        return;
                    }
                    open.add(client);
                    open.add(upstream);
                }
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException gone) {
            // one side closed: close both
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
