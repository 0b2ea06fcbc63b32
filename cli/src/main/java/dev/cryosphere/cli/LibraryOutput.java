package dev.cryosphere.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps library prints that bypass logging off the terminal. SameDiff (nd4j-api 1.0.0-M2.1,
 * {@code SameDiff.createGradFunction}) writes one {@code Added differentiated op <name>} line per op to
 * {@code System.out} each time a gradient function is built (~400 lines per training run). While installed, this
 * stream passes every other line through unchanged and sends those lines to the logger
 * {@code org.nd4j.autodiff.samediff.SameDiff} at INFO instead: into the run's log file, and onto the terminal with
 * {@code --debug}. Only whole lines that start with one of {@link #PREFIXES} are diverted.
 */
final class LibraryOutput {
    static final String[] PREFIXES = {"Added differentiated op "};
    private static final Logger SAMEDIFF = LoggerFactory.getLogger("org.nd4j.autodiff.samediff.SameDiff");

    private LibraryOutput() {}

    /** Wraps {@code System.out} until closed (nested use is fine: each restores what it replaced). */
    static AutoCloseable install() {
        PrintStream saved = System.out;
        if (saved instanceof Filtered) return () -> {};
        System.setOut(new Filtered(saved));
        return () -> {
            System.out.flush();
            System.setOut(saved);
        };
    }

    static boolean diverted(String line) {
        for (String p : PREFIXES) if (line.startsWith(p)) return true;
        return false;
    }

    /** A PrintStream that looks at whole lines; partial lines are held only while they could still be diverted. */
    static final class Filtered extends PrintStream {
        Filtered(PrintStream target) {
            super(new LineFilter(target), true, StandardCharsets.UTF_8);
        }
    }

    private static final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        /** The current line is being passed through already (it cannot be a diverted one). */
        private boolean passing;

        LineFilter(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            if (passing) {
                target.write(b);
                if (b == '\n') passing = false;
                return;
            }
            line.write(b);
            if (b == '\n') {
                endLine();
            } else if (!couldBeDiverted()) {
                passing = true;
                target.write(line.toByteArray(), 0, line.size());
                line.reset();
            }
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) write(buf[i]);
        }

        @Override
        public synchronized void flush() {
            target.flush();
        }

        private void endLine() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (diverted(s)) SAMEDIFF.info(s.strip());
            else target.print(s);
        }

        private boolean couldBeDiverted() {
            byte[] b = line.toByteArray();
            for (String p : PREFIXES) {
                byte[] pb = p.getBytes(StandardCharsets.UTF_8);
                int n = Math.min(b.length, pb.length);
                boolean same = true;
                for (int i = 0; i < n && same; i++) same = b[i] == pb[i];
                if (same) return true;
            }
            return false;
        }
    }
}
