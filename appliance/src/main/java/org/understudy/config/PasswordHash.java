package org.understudy.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted password hash as the secrets file stores it (web logins): PBKDF2 with HMAC-SHA-256, written
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in unpadded base64). Only the hash is ever stored; a
 * login is checked by deriving the key again and comparing in constant time. Immutable and thread-safe.
 *
 * @param iterations PBKDF2 rounds ({@value #MIN_ITERATIONS} at least; {@value #ITERATIONS} for new hashes, as OWASP
 *                   recommends for PBKDF2-HMAC-SHA256)
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {
    /** The scheme name at the start of the stored form. */
    public static final String SCHEME = "pbkdf2-sha256";
    /** Rounds for new hashes. */
    public static final int ITERATIONS = 600_000;
    /** Fewest rounds accepted from a secrets file. */
    public static final int MIN_ITERATIONS = 100_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    public PasswordHash {
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(hash, "hash");
        salt = salt.clone();
        hash = hash.clone();
    }

    /** A new hash of {@code password} with a fresh random salt and {@link #ITERATIONS} rounds. */
    public static PasswordHash create(char[] password, SecureRandom random) {
        return create(password, random, ITERATIONS);
    }

    /** A new hash with a given number of rounds (tests use fewer to stay fast; never below the minimum). */
    public static PasswordHash create(char[] password, SecureRandom random, int iterations) {
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("at least " + MIN_ITERATIONS + " iterations, not " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, HASH_BYTES));
    }

    /**
     * Reads the stored form.
     *
     * @throws IllegalArgumentException saying what is wrong with it (never echoing it: it is a secret's hash)
     */
    public static PasswordHash parse(String stored) {
        String[] parts = stored == null ? new String[0] : stored.trim().split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("is not a password hash of the form " + SCHEME
                    + "$ITERATIONS$SALT$HASH (make one with `understudy web-user NAME`)");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has a round count that is not a number");
        }
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("has " + iterations + " rounds; use at least " + MIN_ITERATIONS);
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a salt or hash that is not base64");
        }
        if (salt.length < 8 || hash.length < 16) {
            throw new IllegalArgumentException("has a salt of " + salt.length + " bytes and a hash of " + hash.length
                    + " bytes; expected at least 8 and 16");
        }
        return new PasswordHash(iterations, salt, hash);
    }

    /** Whether {@code password} is the one hashed; constant time in the hash comparison. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length));
    }

    /** The stored form, {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}. */
    public String encoded() {
        return SCHEME + "$" + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash p && p.iterations == iterations && Arrays.equals(p.salt, salt)
                && Arrays.equals(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return SCHEME + "$" + iterations + "$…";
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }
}
