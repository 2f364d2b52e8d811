package com.clinikobridge.emulator.cliniko;

import com.clinikobridge.emulator.cliniko.Clinic.Invoice;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.opencsv.CSVReader;
import com.opencsv.CSVReaderBuilder;
import com.opencsv.RFC4180ParserBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ClinicCsvExporterTests {

    // Real header rows (csv-examples/*.header*.csv), repeated here literally as an independent check.
    private static final String PATIENTS_HEADER = "Patient ID,Title,First Name,Last Name,Preferred First Name,"
            + "Date of Birth,Sex,Email,PhoneMobile,PhoneHome,PhoneWork,PhoneFax,PhoneOther,Address1,Address2,Address3,"
            + "Time Zone,City,State,Post code,Country,Occupation,Emergency Contact,Medicare Number,Referral Type,"
            + "Referral Type Subcategory,Referral Extra Information,Referring Doctor,Reference Number,Created At,"
            + "Updated At,Next Appointment,Last Appointment,Birth Month,Last Practitioner Seen,Last Business Visited,"
            + "Business Id,Unapplied Account Credit,Medical Alerts,Extra Information,Reminder Type,Invoice To,"
            + "Invoice Email,Invoice Extra Info,Concession Type,Unsubscribed SMS marketing,First Appointment,"
            + "First Practitioner Seen,Accepted Privacy Policy,Gender Identity,Pronouns,"
            + "Gender (this field has been replaced),Appointment Notes,Medicare Reference Number,"
            + "Accepts email marketing,Opening balance,Account Balance,Mobile Phones,Home Phones,Work Phones,"
            + "Fax Phones,Other Phones,Receives Confirmation Emails,DVA card number,Follow-up Messages";
    private static final String APPOINTMENTS_HEADER = "Appointment ID,Start Time,End Time,Practitioner,"
            + "Practitioner ID,Patient ID(s),Appointment Type,Business,Did Not Arrive,Patient Arrived,"
            + "SMS Reminder Sent,Email Reminder Sent,Cancellation Time,Cancellation Reason,Cancellation Note,"
            + "Created At,Treatment Notes Status,Invoice Number,Appointment Category,Source,"
            + "Maximum Number of Patients,Number of Patients,Number of Cancellations,Patient Case,"
            + "Cancelled Patient ID(s)";
    private static final String INVOICES_HEADER = "Invoice Number,Issue Date,Practitioner,Sub-Total Amount,"
            + "Tax Amount,Discount,Invoice Amount,Notes,Status,Date Closed,Created By,Appointment ID,Business,"
            + "Extra patient info,Patient ID,Outstanding Balance,Payments Applied,Credit Applied,Other Allocations,"
            + "Appointment Time,ID";
    private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\+1[01]00";

    private static Clinic clinic;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() {
        clinic = ClinicGenerator.generate(42, 200);
    }

    @Test
    void writesThreeFilesWithClinikoNamesAndExactRealHeaders() throws IOException {
        // when
        ClinicCsvExporter.ExportFiles files = ClinicCsvExporter.write(clinic, dir, LocalDate.of(2026, 11, 20));

        // then
        assertThat(files.patients().getFileName().toString()).isEqualTo("Patients-Cliniko-20261120.csv");
        assertThat(files.appointments().getFileName().toString())
                .matches("Appointments-Cliniko-20261120-From\\d{8}-To\\d{8}\\.csv");
        assertThat(files.invoices().getFileName().toString())
                .matches("Invoices-Cliniko-20261120-From\\d{8}-To\\d{8}\\.csv");
        assertThat(firstLine(files.patients())).isEqualTo(PATIENTS_HEADER);
        assertThat(firstLine(files.appointments())).isEqualTo(APPOINTMENTS_HEADER);
        assertThat(firstLine(files.invoices())).isEqualTo(INVOICES_HEADER);
        assertThat(PATIENTS_HEADER.split(",")).hasSize(65);
        assertThat(APPOINTMENTS_HEADER.split(",")).hasSize(25);
        assertThat(INVOICES_HEADER.split(",")).hasSize(21);
        for (Path file : List.of(files.patients(), files.appointments(), files.invoices())) {
            byte[] bytes = Files.readAllBytes(file);
            assertThat(bytes[0]).as("no UTF-8 BOM").isNotEqualTo((byte) 0xEF);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("\r").endsWith("\n");
        }
    }

    @Test
    void patientsFileHasOneRowPerPatientIncludingArchivedAndMergedWithMultiLineFieldsIntact() throws IOException {
        // given
        ClinicCsvExporter.ExportFiles files = ClinicCsvExporter.write(clinic, dir, LocalDate.of(2026, 11, 20));

        // when
        List<Map<String, String>> rows = read(files.patients());

        // then
        assertThat(rows).hasSize(clinic.patients().size());
        Map<Long, Map<String, String>> byId = rows.stream()
                .collect(Collectors.toMap(r -> unescapeId(r.get("Patient ID")), Function.identity()));
        assertThat(byId.keySet()).isEqualTo(clinic.patients().stream().map(Patient::id).collect(Collectors.toSet()));
        assertThat(clinic.archivedPatients()).isNotEmpty();
        assertThat(clinic.mergedPatients()).isNotEmpty();
        for (Patient p : clinic.patients()) {
            Map<String, String> row = byId.get(p.id());
            assertThat(row.get("Email")).isEqualTo(p.email() == null ? "" : p.email());
            assertThat(row.get("Extra Information")).isEqualTo(p.notes() == null ? "" : p.notes());
            assertThat(row.get("Created At")).matches(TIMESTAMP);
            assertThat(row.get("Country")).isEqualTo("Australia");
        }
        List<Patient> multiLine = clinic.patients().stream()
                .filter(p -> p.notes() != null && p.notes().contains("\n")).toList();
        assertThat(multiLine).as("sample has multi-line Extra Information").isNotEmpty();
        assertThat(byId.get(multiLine.get(0).id()).get("Extra Information")).contains("\n");
    }

    @Test
    void someLongPatientIdsAreExcelEscapedAndLegacyIdsArePlain() throws IOException {
        // given
        ClinicCsvExporter.ExportFiles files = ClinicCsvExporter.write(clinic, dir, LocalDate.of(2026, 11, 20));

        // when
        List<String> lines = Files.readAllLines(files.patients(), StandardCharsets.UTF_8);

        // then
        long escaped = lines.stream().filter(l -> l.matches("^=\"\\d{18,19}\",.*")).count();
        assertThat(escaped).isBetween(5L, 45L);
        assertThat(lines.stream().filter(l -> l.matches("^\\d{7},.*")).count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void appointmentsFileHasIndividualRowsPlusUnavailableBlocksAndGroupClasses() throws IOException {
        // given
        ClinicCsvExporter.ExportFiles files = ClinicCsvExporter.write(clinic, dir, LocalDate.of(2026, 11, 20));

        // when
        List<Map<String, String>> rows = read(files.appointments());

        // then
        assertThat(rows).hasSize(clinic.individualAppointments().size() + clinic.unavailableBlocks().size()
                + clinic.groupAppointments().size());
        List<Map<String, String>> unavailable = rows.stream()
                .filter(r -> r.get("Appointment Type").equals("Unavailable - Unavailable")).toList();
        assertThat(unavailable).hasSize(clinic.unavailableBlocks().size()).allSatisfy(r -> {
            assertThat(r.get("Did Not Arrive")).isEqualTo("N/A");
            assertThat(r.get("Maximum Number of Patients")).isEmpty();
            assertThat(r.get("Patient ID(s)")).isEmpty();
        });
        assertThat(rows.stream().filter(r -> r.get("Maximum Number of Patients").equals("8")))
                .hasSize(clinic.groupAppointments().size())
                .allSatisfy(r -> assertThat(r.get("Number of Patients")).isEqualTo("3"));
        List<Map<String, String>> cancelled = rows.stream().filter(r -> !r.get("Cancellation Time").isEmpty()
                && !r.get("Cancellation Time").equals("N/A")).toList();
        assertThat(cancelled).hasSize(clinic.cancelledAppointments().size()).allSatisfy(r -> {
            assertThat(r.get("Cancellation Time")).matches(TIMESTAMP);
            assertThat(r.get("Number of Patients")).isEqualTo("0");
            assertThat(r.get("Number of Cancellations")).isEqualTo("1");
            assertThat(r.get("Cancelled Patient ID(s)")).isEqualTo(r.get("Patient ID(s)"));
            assertThat(r.get("Cancellation Reason")).isIn("Feeling Better", "Condition Worse", "Sick",
                    "COVID-19 related", "Away", "Other", "Work");
        });
        assertThat(rows.stream().filter(r -> r.get("Did Not Arrive").equals("true")))
                .hasSize(clinic.didNotArriveAppointments().size());
        assertThat(rows).allSatisfy(r -> assertThat(r.get("Start Time")).matches(TIMESTAMP));
    }

    @Test
    void invoicesFileHasOneRowPerInvoiceWithAmountsStatusesAndMultiLineNotes() throws IOException {
        // given
        ClinicCsvExporter.ExportFiles files = ClinicCsvExporter.write(clinic, dir, LocalDate.of(2026, 11, 20));

        // when
        List<Map<String, String>> rows = read(files.invoices());

        // then
        assertThat(rows).hasSize(clinic.invoices().size());
        Map<String, Invoice> byId = new HashMap<>();
        clinic.invoices().forEach(i -> byId.put(Long.toString(i.id()), i));
        for (Map<String, String> row : rows) {
            Invoice invoice = byId.get(row.get("ID"));
            assertThat(invoice).isNotNull();
            assertThat(row.get("Invoice Number")).isEqualTo(Integer.toString(invoice.number()));
            assertThat(row.get("Issue Date")).isEqualTo(invoice.issueDate().toString());
            assertThat(row.get("Status")).isEqualTo(invoice.statusDescription());
            assertThat(new BigDecimal(row.get("Invoice Amount")))
                    .isEqualByComparingTo(new BigDecimal(row.get("Sub-Total Amount"))
                            .add(new BigDecimal(row.get("Tax Amount"))));
            assertThat(row.get("Invoice Amount")).matches("-?\\d+\\.\\d{1,2}");
            assertThat(row.get("Notes")).isEqualTo(invoice.notes() == null ? "" : invoice.notes());
            assertThat(row.get("Patient ID")).isEqualTo(Long.toString(invoice.patientId()));
        }
        assertThat(rows.stream().map(r -> r.get("Status")).collect(Collectors.toSet()))
                .isEqualTo(Set.of("Open", "Paid", "Closed", "Open credit"));
        assertThat(rows.stream().filter(r -> r.get("Notes").contains("\n"))).isNotEmpty();
    }

    @Test
    void sameSeedGivesIdenticalExport(@TempDir Path other) throws IOException {
        // given
        ClinicCsvExporter.ExportFiles first = ClinicCsvExporter.write(clinic, dir, LocalDate.of(2026, 11, 20));

        // when
        ClinicCsvExporter.ExportFiles second = ClinicCsvExporter.write(ClinicGenerator.generate(42, 200), other,
                LocalDate.of(2026, 11, 20));

        // then
        assertThat(Files.readString(second.patients())).isEqualTo(Files.readString(first.patients()));
        assertThat(Files.readString(second.appointments())).isEqualTo(Files.readString(first.appointments()));
        assertThat(Files.readString(second.invoices())).isEqualTo(Files.readString(first.invoices()));
    }

    private static String firstLine(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.findFirst().orElseThrow();
        }
    }

    /** Reads a CSV with OpenCSV's RFC-4180 parser into header-keyed maps. */
    private static List<Map<String, String>> read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVReader csv = new CSVReaderBuilder(reader)
                     .withCSVParser(new RFC4180ParserBuilder().build()).build()) {
            List<String[]> all = csv.readAll();
            String[] header = all.get(0);
            return all.subList(1, all.size()).stream().map(values -> {
                assertThat(values).hasSameSizeAs(header);
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], values[i]);
                }
                return row;
            }).toList();
        } catch (com.opencsv.exceptions.CsvException e) {
            throw new IOException(e);
        }
    }

    private static long unescapeId(String raw) {
        return Long.parseLong(raw.replace("=", "").replace("\"", ""));
    }
}
