package io.iocert.results;

import java.nio.file.Path;

/** Reads and writes result documents. TO BE IMPLEMENTED (helper: results). */
public final class ResultCodec {
    private ResultCodec() {
    }

    /** The JSON form, UTF-8, deterministic (fixed key order, locale-independent numbers). */
    public static byte[] toJson(Result result) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Parses a result document; {@code sourceName} is used in messages. */
    public static Result fromJson(byte[] json, String sourceName) throws ResultFormatException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Reads a result file. */
    public static Result read(Path file) throws ResultFormatException {
        throw new UnsupportedOperationException("not yet");
    }
}
