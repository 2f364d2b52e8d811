package com.clinikobridge.emulator.cliniko;

import com.clinikobridge.cliniko.ClinikoCsvExports;
import com.clinikobridge.cliniko.ClinikoCsvReader;
import com.clinikobridge.cliniko.CsvRowMapper;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.emulator.cliniko.Clinic.IndividualAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.Invoice;
import com.clinikobridge.emulator.cliniko.Clinic.InvoiceItem;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.cliniko.Clinic.TreatmentNote;
import com.clinikobridge.emulator.cliniko.ClinicStream.PatientHistory;
import com.opencsv.CSVReader;
import com.opencsv.CSVReaderBuilder;
import com.opencsv.RFC4180ParserBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClinicStreamTests {

    private static final LocalDate EXPORT_DATE = LocalDate.of(2026, 11, 20);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void sameSeedWritesIdenticalCsvBytesAndAnotherSeedDifferent() throws IOException {
        // given two streams with the same seed and one with another
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        Path other = dir.resolve("other");

        // when each writes its export
        ClinicCsvExporter.ExportFiles a = new ClinicStream(42, 300).writeCsv(first, EXPORT_DATE, true);
        ClinicCsvExporter.ExportFiles b = new ClinicStream(42, 300).writeCsv(second, EXPORT_DATE, true);
        ClinicCsvExporter.ExportFiles c = new ClinicStream(43, 300).writeCsv(other, EXPORT_DATE, true);

        // then the same seed gives the same names and bytes, another seed other bytes
        for (Path[] pair : new Path[][]{{a.patients(), b.patients()}, {a.appointments(), b.appointments()},
                {a.invoices(), b.invoices()}}) {
            assertThat(pair[1].getFileName()).isEqualTo(pair[0].getFileName());
            assertThat(Files.mismatch(pair[0], pair[1])).isEqualTo(-1L);
        }
        assertThat(Files.mismatch(a.patients(), c.patients())).isNotEqualTo(-1L);
        assertThat(Files.mismatch(a.appointments(), c.appointments())).isNotEqualTo(-1L);
        assertThat(Files.mismatch(a.invoices(), c.invoices())).isNotEqualTo(-1L);
    }

    @Test
    void ratiosPerPatientAreRealistic() {
        // given 2,000 patients
        ClinicStream stream = new ClinicStream(7, 2_000);
        List<PatientHistory> all = new ArrayList<>();

        // when each is generated
        stream.forEach(all::add);

        // then the per-patient averages and mixes are as documented
        int n = all.size();
        List<IndividualAppointment> appointments = all.stream().flatMap(h -> h.appointments().stream()).toList();
        List<Invoice> invoices = all.stream().flatMap(h -> h.invoices().stream()).toList();
        List<InvoiceItem> items = all.stream().flatMap(h -> h.invoiceItems().stream()).toList();
        long notes = all.stream().mapToLong(h -> h.treatmentNotes().size()).sum();
        assertThat(appointments.size() / (double) n).isBetween(9.0, 11.0);
        assertThat(notes / (double) n).isBetween(5.0, 7.0);
        assertThat(invoices.size() / (double) n).isBetween(7.0, 9.0);
        assertThat(all).allSatisfy(h -> assertThat(h.appointments()).hasSizeBetween(0, 15));

        Map<Long, List<InvoiceItem>> itemsByInvoice = items.stream()
                .collect(Collectors.groupingBy(InvoiceItem::invoiceId));
        assertThat(invoices).allSatisfy(i -> {
            List<InvoiceItem> lines = itemsByInvoice.getOrDefault(i.id(), List.of());
            assertThat(lines).hasSizeBetween(1, 3);
            assertThat(lines.stream().map(InvoiceItem::netPrice).reduce(BigDecimal.ZERO, BigDecimal::add))
                    .isEqualByComparingTo(i.netAmount());
        });

        double appointmentCount = appointments.size();
        assertThat(appointments.stream().filter(IndividualAppointment::isCancelled).count() / appointmentCount)
                .isCloseTo(0.10, within(0.02));
        assertThat(appointments.stream().filter(a -> Boolean.TRUE.equals(a.didNotArrive())).count()
                / appointmentCount).isCloseTo(0.05, within(0.015));
        assertThat(appointments.stream().filter(a -> a.isFuture(ClinicGenerator.NOW)).count() / appointmentCount)
                .isBetween(0.04, 0.12);
        assertThat(appointments).allSatisfy(a -> assertThat(a.startsAt())
                .isBefore(ClinicGenerator.NOW.plus(Duration.ofDays(46))));

        List<Patient> patients = all.stream().map(PatientHistory::patient).toList();
        assertThat(patients.stream().filter(Patient::isArchived).count() / (double) n).isCloseTo(0.03, within(0.015));
        assertThat(patients).noneMatch(Patient::isMerged);
        assertThat(patients.stream().filter(p -> p.email() == null).count() / (double) n)
                .isCloseTo(0.08, within(0.025));
        assertThat(patients).allMatch(p -> p.email() == null
                || p.email().toLowerCase(Locale.ROOT).matches("[a-z.-]+\\.\\d+@example\\.(com|org)"));
        // emails repeat only as the previous patient's, in another case
        int shared = 0;
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String email = patients.get(i).email();
            if (email == null) {
                continue;
            }
            Integer earlier = firstIndex.putIfAbsent(email.toLowerCase(Locale.ROOT), i);
            if (earlier != null) {
                assertThat(earlier).isEqualTo(i - 1);
                assertThat(email).isNotEqualTo(patients.get(i - 1).email());
                shared++;
            }
        }
        assertThat(shared / (double) n).isCloseTo(0.02, within(0.01));
    }

    @Test
    void patientAtAnIndexIsTheSameAsInTheFullSequence() {
        // given a stream and all its patients in order
        ClinicStream stream = new ClinicStream(42, 300);
        List<PatientHistory> all = new ArrayList<>();
        stream.forEach(all::add);

        // when patients are generated alone, in any order
        List<PatientHistory> alone = Stream.of(299, 0, 137, 1, 138).map(stream::patient).toList();

        // then each equals its place in the sequence, and ids grow with the index
        assertThat(alone).containsExactly(all.get(299), all.get(0), all.get(137), all.get(1), all.get(138));
        assertThat(stream.stream().toList()).isEqualTo(all);
        for (int i = 1; i < all.size(); i++) {
            PatientHistory previous = all.get(i - 1);
            PatientHistory current = all.get(i);
            assertThat(current.patient().id()).isGreaterThan(previous.patient().id())
                    .isEqualTo(stream.patientId(i));
            assertThat(current.patient().createdAt()).isAfter(previous.patient().createdAt());
            assertIdsAbove(previous.appointments(), current.appointments(), IndividualAppointment::id);
            assertIdsAbove(previous.invoices(), current.invoices(), Invoice::id);
            assertIdsAbove(previous.invoices(), current.invoices(), inv -> (long) inv.number());
            assertIdsAbove(previous.treatmentNotes(), current.treatmentNotes(), TreatmentNote::id);
            assertIdsAbove(previous.invoiceItems(), current.invoiceItems(), InvoiceItem::id);
        }
        assertThat(String.valueOf(all.get(0).patient().id())).hasSize(19);
    }

    /** The ids of {@code current} ascend and exceed all of {@code previous}. */
    private static <T> void assertIdsAbove(List<T> previous, List<T> current, ToLongFunction<T> id) {
        long floor = previous.stream().mapToLong(id).max().orElse(Long.MIN_VALUE);
        List<Long> ids = current.stream().map(id::applyAsLong).toList();
        assertThat(ids).isSorted().allMatch(x -> x > floor);
    }

    @Test
    void toClinicMatchesTheCsvRowsAndEveryRecordPointsAtItsPatient() throws IOException {
        // given
        ClinicStream stream = new ClinicStream(42, 500);

        // when the clinic is materialised and the export written
        Clinic clinic = stream.toClinic();
        ClinicStream.CsvExport export = stream.writeCsvCounted(dir, EXPORT_DATE, true);

        // then the counts agree with the files' rows
        assertThat(clinic.patients()).hasSize(500);
        assertThat(csvRows(export.files().patients())).isEqualTo(export.patientRows()).isEqualTo(500);
        assertThat(csvRows(export.files().appointments())).isEqualTo(export.appointmentRows())
                .isEqualTo(clinic.individualAppointments().size());
        assertThat(csvRows(export.files().invoices())).isEqualTo(export.invoiceRows())
                .isEqualTo(clinic.invoices().size());

        // and ids are unique and every record refers to its own patient's records
        Map<Long, Patient> patients = clinic.patientIndex();
        assertThat(patients).hasSize(500);
        Map<Long, IndividualAppointment> appointments = new HashMap<>();
        clinic.individualAppointments().forEach(a -> assertThat(appointments.put(a.id(), a)).isNull());
        assertThat(clinic.individualAppointments()).allMatch(a -> patients.containsKey(a.patientId()));
        Set<Integer> numbers = new HashSet<>();
        Set<Long> invoiceIds = new HashSet<>();
        assertThat(clinic.invoices()).allSatisfy(i -> {
            assertThat(patients).containsKey(i.patientId());
            assertThat(numbers.add(i.number())).isTrue();
            assertThat(invoiceIds.add(i.id())).isTrue();
            if (i.appointmentId() != null) {
                IndividualAppointment a = appointments.get(i.appointmentId());
                assertThat(a.patientId()).isEqualTo(i.patientId());
                assertThat(a.isCancelled() || a.isFuture(clinic.now())).isFalse();
            }
        });
        assertThat(clinic.invoices()).anyMatch(i -> i.appointmentId() == null);
        assertThat(clinic.invoiceItems()).allMatch(item -> invoiceIds.contains(item.invoiceId()));
        assertThat(clinic.treatmentNotes()).allSatisfy(t -> {
            assertThat(patients).containsKey(t.patientId());
            if (t.bookingId() != null) {
                IndividualAppointment a = appointments.get(t.bookingId());
                assertThat(a.patientId()).isEqualTo(t.patientId());
                assertThat(a.patientArrived()).isTrue();
                assertThat(t.draft()).isEqualTo(a.treatmentNoteStatus() == 10);
            }
        });
        assertThat(clinic.medicalAlerts()).allSatisfy(m -> assertThat(patients.get(m.patientId()).medicalAlerts())
                .contains(m.name()));
        assertThat(clinic.medicalAlerts()).hasSize(clinic.patients().stream()
                .mapToInt(p -> p.medicalAlerts().size()).sum());
    }

    @Test
    void emulatorServesTheMaterialisedClinic() throws Exception {
        // given the emulator serving a materialised stream clinic
        Clinic clinic = new ClinicStream(42, 300).toClinic();
        try (ClinikoEmulator emulator = new ClinikoEmulator(clinic)) {
            HttpClient http = HttpClient.newHttpClient();

            // when lists are asked for
            Map<String, Integer> totals = new HashMap<>();
            for (String list : List.of("patients", "individual_appointments", "invoices", "invoice_items",
                    "treatment_notes", "medical_alerts")) {
                URI uri = URI.create(emulator.baseUrl() + "/" + list + "?per_page=1");
                HttpRequest request = HttpRequest.newBuilder(uri)
                        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                                (ClinikoEmulator.DEFAULT_API_KEY + ":").getBytes(StandardCharsets.UTF_8)))
                        .header("User-Agent", "cliniko-bridge-tests (ops@example.com)")
                        .header("Accept", "application/json").GET().build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(list).isEqualTo(200);
                totals.put(list, JSON.readTree(response.body()).get("total_entries").asInt());
            }

            // then the totals are the clinic's (default filters: not archived, not cancelled)
            assertThat(totals).containsEntry("patients", clinic.activePatients().size())
                    .containsEntry("individual_appointments", clinic.activeAppointments().size())
                    .containsEntry("invoices", clinic.invoices().size())
                    .containsEntry("invoice_items", clinic.invoiceItems().size())
                    .containsEntry("treatment_notes", (int) clinic.treatmentNotes().stream()
                            .filter(t -> t.archivedAt() == null).count())
                    .containsEntry("medical_alerts", clinic.medicalAlerts().size());
        }
    }

    @Test
    void productCsvReaderReadsTheFolderWithoutRejections() {
        // given a generated export folder
        ClinicStream.CsvExport export = new ClinicStream(11, 400).writeCsvCounted(dir, EXPORT_DATE, true);
        ClinikoCsvExports folder = new ClinikoCsvExports(dir);

        // when the product reads each file
        long[] patients = readAll(folder.file("Patients").orElseThrow(), ClinikoCsvExports.PATIENTS);
        long[] appointments = readAll(folder.file("Appointments").orElseThrow(), ClinikoCsvExports.APPOINTMENTS);
        long[] invoices = readAll(folder.file("Invoices").orElseThrow(), ClinikoCsvExports.INVOICES);

        // then every row is read and none rejected
        assertThat(patients).containsExactly(export.patientRows(), 0);
        assertThat(appointments).containsExactly(export.appointmentRows(), 0);
        assertThat(invoices).containsExactly(export.invoiceRows(), 0);
        assertThat(folder.practitioners()).isNotEmpty();
    }

    /** Reads a file with the product's reader: {read, rejected}. */
    private static <T> long[] readAll(Path file, CsvRowMapper<T> mapper) {
        ClinikoCsvReader<T> reader = new ClinikoCsvReader<>("test", file, mapper);
        reader.open(new ExecutionContext());
        try {
            long read = 0;
            long rejected = 0;
            SourceItem<T> item;
            while ((item = reader.read()) != null) {
                if (item.isRejected()) {
                    rejected++;
                } else {
                    read++;
                }
            }
            return new long[]{read, rejected};
        } finally {
            reader.close();
        }
    }

    @Test
    void referenceHasTheAccountDataAndNoPatients() {
        // when
        Clinic reference = new ClinicStream(42, 10).reference();
        Clinic generated = ClinicGenerator.generate(42, 1);

        // then it is the generator's reference data, without patient records
        assertThat(reference.practitioners()).isEqualTo(generated.practitioners());
        assertThat(reference.users()).isEqualTo(generated.users());
        assertThat(reference.businesses()).isEqualTo(generated.businesses());
        assertThat(reference.appointmentTypes()).isEqualTo(generated.appointmentTypes());
        assertThat(reference.billableItems()).isEqualTo(generated.billableItems());
        assertThat(reference.products()).isEqualTo(generated.products());
        assertThat(reference.taxes()).isEqualTo(generated.taxes());
        assertThat(reference.patientCustomFieldsDefinition()).isEqualTo(generated.patientCustomFieldsDefinition());
        assertThat(reference.referralSourceTypes()).isEqualTo(generated.referralSourceTypes());
        assertThat(reference.patients()).isEmpty();
        assertThat(reference.individualAppointments()).isEmpty();
        assertThat(reference.invoices()).isEmpty();
        assertThat(ClinicGenerator.hubSpotOwnerEmails(reference)).hasSize(5)
                .doesNotContain(ClinicGenerator.UNMATCHED_PRACTITIONER_EMAIL);
    }

    @Test
    void streams100kPatientsAndAMillionAppointmentRowsHoldingNoPerPatientState() throws IOException {
        // given a generator and a CSV appender whose fields are fixed-size (no lists, maps or arrays)
        ClinicStream stream = new ClinicStream(42, 100_000);
        assertNoGrowingState(ClinicStream.class, Set.of(long.class, int.class, Clinic.class,
                ClinicExtrasGenerator.InvoiceLines.class));
        assertNoGrowingState(ClinicCsvExporter.Appender.class, Set.of());

        // when 100,000 patients are written without invoices (memory: one block of 256 patients at a time)
        ClinicStream.CsvExport export = stream.writeCsvCounted(dir, EXPORT_DATE, false);

        // then about a million appointment rows were streamed and only the two export files exist
        assertThat(export.patientRows()).isEqualTo(100_000);
        assertThat(export.appointmentRows()).isBetween(950_000L, 1_050_000L);
        assertThat(export.files().invoices()).isNull();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(export.files().patients().getFileName().toString(),
                            export.files().appointments().getFileName().toString());
        }
        assertThat(export.files().appointments().getFileName().toString())
                .matches("Appointments-Cliniko-20261120-From2015\\d{4}-To2027\\d{4}\\.csv");
        // and the generator kept nothing: the reference still has no patients
        assertThat(stream.reference().patients()).isEmpty();
    }

    @Test
    void generateClinicMainPrintsOnlyCountsAndFileNames() {
        // given
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

        // when the main writes 50 patients, and is called with a missing argument
        int code = GenerateClinic.run(new String[]{"--seed=5", "--patients=50", "--out=" + dir}, outStream, errStream);
        int bad = GenerateClinic.run(new String[]{"--seed=5"}, outStream, errStream);

        // then it printed counts, file names and sizes only
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(bad).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: GenerateClinic");
        assertThat(printed).contains("rows: patients=50 ").contains("Patients-Cliniko-20261120.csv ")
                .contains("Invoices-Cliniko-20261120-From").doesNotContain("@");
        assertThat(printed.lines()).hasSize(6); // arguments, counts, 3 files, seconds
    }

    /**
     * Every instance field is final; none is a collection, map or array (fields of {@code allowed} types are
     * accepted as they are: primitives and fixed reference data).
     */
    private static void assertNoGrowingState(Class<?> type, Set<Class<?>> allowed) {
        List<Field> fields = Arrays.stream(type.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers())).toList();
        assertThat(fields).isNotEmpty().allSatisfy(f -> {
            Class<?> t = f.getType();
            assertThat(t.isArray() || Collection.class.isAssignableFrom(t) || Map.class.isAssignableFrom(t))
                    .as("%s.%s", type.getSimpleName(), f.getName()).isFalse();
            if (!allowed.isEmpty()) {
                assertThat(Modifier.isFinal(f.getModifiers())).as("%s is final", f.getName()).isTrue();
                assertThat(allowed).as("%s type", f.getName()).contains(t);
            }
        });
    }

    private static long csvRows(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVReader csv = new CSVReaderBuilder(in).withCSVParser(new RFC4180ParserBuilder().build()).build()) {
            long rows = -1; // header
            while (csv.readNextSilently() != null) {
                rows++;
            }
            return rows;
        }
    }
}
