package com.clinikobridge.emulator.cliniko;

import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Writes a sample Cliniko CSV export of an invented clinic.
 * Usage: {@code GenerateSample <outputDir> [patientCount=200] [seed=42] [exportDate=2026-11-20]}.
 */
public final class GenerateSample {

    private GenerateSample() {
    }

    /** Entry point; prints only file names and counts (never patient data). */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: GenerateSample <outputDir> [patientCount] [seed] [exportDate]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int patients = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42L;
        LocalDate exportDate = args.length > 3 ? LocalDate.parse(args[3]) : LocalDate.of(2026, 11, 20);
        Clinic clinic = ClinicGenerator.generate(seed, patients);
        ClinicCsvExporter.ExportFiles files = ClinicCsvExporter.write(clinic, dir, exportDate);
        System.out.println("patients=" + clinic.patients().size() + " appointments="
                + clinic.individualAppointments().size() + " invoices=" + clinic.invoices().size());
        System.out.println(files.patients().getFileName());
        System.out.println(files.appointments().getFileName());
        System.out.println(files.invoices().getFileName());
    }
}
