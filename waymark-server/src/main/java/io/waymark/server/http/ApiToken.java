package io.waymark.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The bearer token that every write to the HTTP API must carry ({@code Authorization: Bearer TOKEN}).
 * It lives in a file only its owner can read (mode 0600), like an SSH key: the daemon creates one on
 * first start when the file is missing, and refuses to start on a file that others can read or that
 * holds too short a token — a token everyone on the machine can read protects nothing.
 *
 * @param file    where the token is
 * @param created true when this start made the file (the daemon says where it is)
 */
public record ApiToken(Path file, String value, boolean created) {
    /** 32 random bytes, base64url: 43 characters. */
    static final int RANDOM_BYTES = 32;
    static final int CHARS_MIN = 16;
    static final int CHARS_MAX = 4096;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    public ApiToken {
        if (value == null || value.length() < CHARS_MIN || value.length() > CHARS_MAX || !value.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new IllegalArgumentException("the API token in " + file + " must be " + CHARS_MIN + ".." + CHARS_MAX
                    + " printable characters without spaces (delete the file and the daemon makes a new one)");
        }
    }

    /** Reads the token in {@code file}, or creates the file with a new random token (mode 0600) when it does not exist. */
    public static ApiToken loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            try {
                return create(file);
            } catch (FileAlreadyExistsException raced) {
                // another process made it meanwhile: read theirs
            }
        }
        return load(file);
    }

    static ApiToken load(Path file) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> !OWNER_ONLY.contains(p))) {
                throw new IllegalArgumentException("the API token file " + file + " is readable or writable by others ("
                        + PosixFilePermissions.toString(perms) + "): run 'chmod 600 " + file + "'");
            }
        } catch (UnsupportedOperationException notPosix) {
            // A file system without POSIX modes: nothing to check.
        }
        return new ApiToken(file, Files.readString(file, StandardCharsets.UTF_8).strip(), false);
    }

    private static ApiToken create(Path file) throws IOException {
        byte[] raw = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        // Created with its mode in one step (CREATE_NEW): never a moment where others could read it.
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            ByteBuffer buf = ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII));
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        // The umask may have removed bits, never added any; set the mode anyway in case the umask is odd.
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        return new ApiToken(file, token, true);
    }

    /** Constant-time comparison of an {@code Authorization} header with this token. */
    public boolean admits(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        byte[] given = authorizationHeader.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ApiToken[" + file + "]"; // never the value: it goes into logs
    }
}
