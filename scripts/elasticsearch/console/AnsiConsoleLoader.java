package org.elasticsearch.io.ansi;

import java.io.PrintStream;
import java.util.function.Supplier;

/** The server asks for an ANSI console at start-up; a background node has none (logs go to its files). */
public class AnsiConsoleLoader implements Supplier<PrintStream> {
    @Override
    public PrintStream get() {
        return null;
    }
}
