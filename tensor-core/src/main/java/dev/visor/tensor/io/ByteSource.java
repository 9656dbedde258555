package dev.visor.tensor.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional reads from a file, or from bytes in memory (tests); what {@link SafeTensorsFile} reads. */
interface ByteSource extends Closeable {
    long size() throws IOException;

    /** Reads into {@code dst} from {@code position}; returns the bytes read, or -1 at end of input. */
    int read(ByteBuffer dst, long position) throws IOException;

    static ByteSource of(FileChannel channel) {
        return new ByteSource() {
            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return channel.read(dst, position);
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public int read(ByteBuffer dst, long position) {
                if (position >= bytes.length) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), bytes.length - position);
                dst.put(bytes, (int) position, n);
                return n;
            }

            @Override
            public void close() {}
        };
    }
}
