package dev.launchline.mail;

import dev.launchline.db.Database;
import dev.launchline.devstack.DevMailServer;
import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;

import java.time.Clock;
import java.util.Optional;

/** A fresh, migrated database with its outbox, and a capturing SMTP server: what the mail tests send through. */
final class OutboxRig implements AutoCloseable {
    final String databaseUrl;
    final int smtpPort;
    final Database database;
    final DevMailServer smtp;
    final OutboxRepository outbox;

    private OutboxRig(String databaseUrl, int smtpPort) {
        this.databaseUrl = databaseUrl;
        this.smtpPort = smtpPort;
        this.database = new Database(databaseUrl, Optional.of("postgres"), Optional.empty(), 2);
        this.smtp = DevMailServer.start(smtpPort);
        database.migrate();
        this.outbox = new OutboxRepository(database.dsl(), "launchline.test", Clock.systemUTC());
    }

    static OutboxRig start() {
        String databaseUrl = TestDatabases.fresh(); // before choosing a port: it may start PostgreSQL on one
        return new OutboxRig(databaseUrl, TestStack.freePort());
    }

    @Override
    public void close() {
        try (database) {
            smtp.close();
        }
    }
}
