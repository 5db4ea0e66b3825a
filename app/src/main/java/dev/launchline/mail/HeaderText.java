package dev.launchline.mail;

import jakarta.mail.internet.MimeUtility;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Text from visitors (a lead's name or company) placed in a mail header. Mail clients decode
 * RFC 2047 encoded-words ({@code =?utf-8?q?...?=}) in headers for display, so a name written as
 * one could show the founder a different subject, line breaks and a fake "Bcc:" included. An
 * encoded-word's decoded text is never decoded again, so text that contains one is sent as an
 * encoded-word itself: clients then show it literally. Control characters become spaces.
 */
final class HeaderText {
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]+");

    private HeaderText() {
    }

    /** The header value to send for this text: plain when it is harmless, otherwise encoded whole. */
    static String encode(String text) {
        String oneLine = CONTROL.matcher(text).replaceAll(" ").strip();
        try {
            if (oneLine.contains("=?")) { // the start of an encoded-word
                return encodedWords(oneLine);
            }
            return MimeUtility.fold(9, MimeUtility.encodeText(oneLine, StandardCharsets.UTF_8.name(), null));
        } catch (UnsupportedEncodingException impossible) {
            throw new IllegalStateException("UTF-8 unsupported", impossible);
        }
    }

    /**
     * The text as base64 encoded-words, whatever it holds (Jakarta Mail leaves ASCII as it is):
     * at most 45 bytes of whole characters per word, so a word stays under RFC 2047's 75
     * characters; the folding white space between words is dropped again by decoders.
     */
    private static String encodedWords(String text) {
        StringBuilder header = new StringBuilder();
        StringBuilder chunk = new StringBuilder();
        int chunkBytes = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            String character = new String(Character.toChars(codePoint));
            int bytes = character.getBytes(StandardCharsets.UTF_8).length;
            if (chunkBytes + bytes > 45) {
                appendWord(header, chunk.toString());
                chunk.setLength(0);
                chunkBytes = 0;
            }
            chunk.append(character);
            chunkBytes += bytes;
            i += Character.charCount(codePoint);
        }
        appendWord(header, chunk.toString());
        return header.toString();
    }

    private static void appendWord(StringBuilder header, String chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        if (!header.isEmpty()) {
            header.append("\r\n ");
        }
        header.append("=?UTF-8?B?")
                .append(Base64.getEncoder().encodeToString(chunk.getBytes(StandardCharsets.UTF_8)))
                .append("?=");
    }
}
