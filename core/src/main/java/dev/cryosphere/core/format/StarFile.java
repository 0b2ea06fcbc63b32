package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A STAR file as RELION writes it: {@code data_} blocks (in any order), each with key-value pairs and/or one
 * {@code loop_} table whose header lines are {@code _rlnName #n}. Comments start with '#'; values may be quoted
 * with ' or ". Loop rows are one line each, as in RELION's own reader, so that a row with a missing or extra
 * value is reported at its line instead of silently shifting every later value.
 */
public final class StarFile {
    private final Object source;
    private final List<StarBlock> blocks;

    private StarFile(Object source, List<StarBlock> blocks) {
        this.source = source;
        this.blocks = Collections.unmodifiableList(blocks);
    }

    public static StarFile read(Path file) {
        dev.cryosphere.core.util.InputFiles.requireRegularFile(file);   // a pipe or device would never end
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file, in);
        } catch (IOException e) {
            throw new InputException(file, null, "cannot read STAR file: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new InputException(file, null, "cannot read STAR file: " + e.getCause().getMessage(), e);
        }
    }

    public static StarFile parse(Object source, String text) {
        return parse(source, new StringReader(text));
    }

    /** {@code source} only names the input in error messages. */
    public static StarFile parse(Object source, Reader reader) {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        try {
            return new Parser(source).parse(in);
        } catch (IOException e) {
            throw new InputException(source, null, "cannot read STAR file: " + e.getMessage(), e);
        }
    }

    public Object source() { return source; }

    public List<StarBlock> blocks() { return blocks; }

    /** The block named {@code data_NAME}. */
    public Optional<StarBlock> block(String name) {
        return blocks.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    private static final class Parser {
        private final Object source;
        private final List<StarBlock> blocks = new ArrayList<>();
        private StarBlock block;
        private StarLoop loop;
        private boolean loopHasRows;
        private int lineNo;

        Parser(Object source) { this.source = source; }

        StarFile parse(BufferedReader in) throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                // a UTF-8 byte-order mark (Windows editors write one) is no part of the text
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
                List<String> tokens = StarTokens.split(line, source, lineNo);
                if (!tokens.isEmpty()) accept(tokens);
            }
            if (blocks.isEmpty()) throw new InputException(source, null, "no data_ block: not a STAR file");
            return new StarFile(source, blocks);
        }

        private void accept(List<String> tokens) {
            String first = tokens.get(0);
            if (first.startsWith("data_")) {
                expectAlone(tokens);
                block = new StarBlock(first.substring(5));
                blocks.add(block);
                loop = null;
            } else if (first.equals("loop_")) {
                expectAlone(tokens);
                requireBlock(first);
                if (block.loop().isPresent())
                    throw error("a second loop_ in block data_" + block.name() + " (one table per block expected)");
                loop = new StarLoop();
                loopHasRows = false;
                block.setLoop(loop);
            } else if (first.startsWith("_")) {
                requireBlock(first);
                if (loop != null && !loopHasRows) {
                    // RELION 3.1+ writes "_rlnName #3": the number is a comment, already dropped by the tokenizer
                    if (tokens.size() > 1) throw error("unexpected text after column name " + first);
                    String name = first.substring(1);
                    if (loop.has(name))
                        // which copy is meant? RELION's own reader takes the last one, others the first: refuse
                        throw new InputException(source, "line " + lineNo + ", column " + first, "column " + first
                                + " appears twice in the loop_ of data_" + block.name() + " (as column #"
                                + (loop.column(name).orElseThrow() + 1) + " and #" + (loop.columns().size() + 1)
                                + "); remove one of them");
                    loop.addColumn(name);
                } else {
                    loop = null;
                    if (tokens.size() != 2) throw error("expected '" + first + " value' (key-value pair)");
                    if (block.pairs().containsKey(first.substring(1)))
                        throw new InputException(source, "line " + lineNo + ", key " + first, "key " + first
                                + " is given twice in data_" + block.name() + "; remove one of them");
                    block.put(first.substring(1), tokens.get(1));
                }
            } else if (loop != null) {
                if (loop.columns().isEmpty()) throw error("loop_ has values before any column name");
                if (tokens.size() != loop.columns().size())
                    throw error("row " + (loop.size() + 1) + " of data_" + block.name() + " has " + tokens.size()
                            + " values, expected " + loop.columns().size());
                loop.addRow(tokens.toArray(String[]::new), lineNo);
                loopHasRows = true;
            } else {
                throw error("unexpected text '" + abbreviate(first) + "' outside any loop_ or key-value pair");
            }
        }

        private void requireBlock(String token) {
            if (block == null) throw error("'" + abbreviate(token) + "' before any data_ block");
        }

        private void expectAlone(List<String> tokens) {
            if (tokens.size() > 1) throw error("unexpected text after " + tokens.get(0));
        }

        private InputException error(String problem) {
            return new InputException(source, "line " + lineNo, problem);
        }

        /** At most 40 characters, invisible and control characters written as U+XXXX so that the user can see them. */
        private static String abbreviate(String s) {
            String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
            StringBuilder out = new StringBuilder();
            cut.codePoints().forEach(c -> {
                if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == 0xFFFD)
                    out.append(String.format(java.util.Locale.ROOT, "<U+%04X>", c));
                else out.appendCodePoint(c);
            });
            return out.toString();
        }
    }
}
