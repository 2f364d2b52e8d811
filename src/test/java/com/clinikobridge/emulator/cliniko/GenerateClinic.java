package com.clinikobridge.emulator.cliniko;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;

/**
 * Streams the Cliniko CSV export folder of a {@link ClinicStream} clinic (memory bounded by one block of patients).
 * Usage: {@code GenerateClinic --seed=42 --patients=N --out=DIR [--no-invoices] [--export-date=2026-11-20]}.
 * Prints only the arguments, row counts, file names and sizes, and the time taken (never patient data).
 */
public final class GenerateClinic {

    private static final String USAGE = "usage: GenerateClinic --seed=42 --patients=N --out=DIR [--no-invoices]"
            + " [--export-date=YYYY-MM-DD]";

    private GenerateClinic() {
    }

    /** Entry point; exits 2 on bad arguments. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs with the given arguments, printing to {@code out} / {@code err}; returns the exit code (0 or 2). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        long seed = 42;
        Integer patients = null;
        Path dir = null;
        boolean invoices = true;
        LocalDate exportDate = LocalDate.of(2026, 11, 20);
        try {
            for (String arg : args) {
                String value = arg.substring(arg.indexOf('=') + 1);
                if (arg.startsWith("--seed=")) {
                    seed = Long.parseLong(value);
                } else if (arg.startsWith("--patients=")) {
                    patients = Integer.parseInt(value.replace("_", "").replace(",", ""));
                } else if (arg.startsWith("--out=")) {
                    dir = Path.of(value);
                } else if (arg.equals("--no-invoices")) {
                    invoices = false;
                } else if (arg.startsWith("--export-date=")) {
                    exportDate = LocalDate.parse(value);
                } else {
                    throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (patients == null || dir == null) {
                throw new IllegalArgumentException("--patients and --out are required");
            }
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        long start = System.nanoTime();
        ClinicStream.CsvExport export = new ClinicStream(seed, patients).writeCsvCounted(dir, exportDate, invoices);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "seed=%d patients=%d invoices=%b%n", seed, patients, invoices);
        out.printf(Locale.ROOT, "rows: patients=%d appointments=%d invoices=%d%n", export.patientRows(),
                export.appointmentRows(), export.invoiceRows());
        ClinicCsvExporter.ExportFiles files = export.files();
        for (Path file : new Path[]{files.patients(), files.appointments(), files.invoices()}) {
            if (file != null) {
                out.printf(Locale.ROOT, "%s %d bytes%n", file.getFileName(), size(file));
            }
        }
        out.printf(Locale.ROOT, "seconds=%.1f%n", seconds);
        return 0;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
