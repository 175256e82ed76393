package io.waymark.adapters.log;

import io.waymark.adapters.fs.DataDir;
import io.waymark.adapters.fs.FileDataDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Opens logs as {@link AppendLog#open} does, but a missing file is created in format 2: for the tests of that format's layout. */
final class Format2 {
    private Format2() {}

    static AppendLog open(Path path, int max, Consumer<ByteBuffer> replay) throws IOException {
        Path abs = path.toAbsolutePath();
        return open(FileDataDir.open(abs.getParent()), abs.getFileName().toString(), max, replay);
    }

    static AppendLog open(DataDir dir, String name, int max, Consumer<ByteBuffer> replay) throws IOException {
        return open(dir, name, max, (AppendLog.Replay) (offset, payload) -> replay.accept(payload));
    }

    static AppendLog open(DataDir dir, String name, int max, AppendLog.Replay replay) throws IOException {
        return AppendLog.open(dir, name, max, replay, 2);
    }
}
