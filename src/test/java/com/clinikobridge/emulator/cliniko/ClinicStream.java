package com.clinikobridge.emulator.cliniko;

import com.clinikobridge.emulator.cliniko.Clinic.AppointmentType;
import com.clinikobridge.emulator.cliniko.Clinic.IndividualAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.Invoice;
import com.clinikobridge.emulator.cliniko.Clinic.InvoiceItem;
import com.clinikobridge.emulator.cliniko.Clinic.MedicalAlert;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.cliniko.Clinic.TreatmentNote;
import com.clinikobridge.emulator.cliniko.ClinicExtrasGenerator.InvoiceLines;
import com.clinikobridge.emulator.cliniko.ClinicExtrasGenerator.NoteDraft;
import com.clinikobridge.emulator.cliniko.ClinicGenerator.BookingDraft;
import com.clinikobridge.emulator.cliniko.ClinicGenerator.BookingMix;
import com.clinikobridge.emulator.cliniko.ClinicGenerator.InvoiceDraft;
import com.clinikobridge.emulator.cliniko.ClinicGenerator.PatientDraft;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * A deterministic invented clinic for benchmarks, generated one patient at a time (no real people; same sources
 * as {@link ClinicGenerator}). Patient {@code i} and its whole history come from their own random stream seeded by
 * {@code (seed, i)}, so any patient can be produced alone and memory does not grow with the patient count.
 *
 * <p>Per patient (averages): 10 individual appointments (5–15; ~10% cancelled, ~5% did-not-arrive, ~8% after
 * {@link ClinicGenerator#NOW}, at most 45 days ahead), 6 treatment notes (one per noted attended appointment, ~10% of
 * patients one phone note), 8 invoices (~97% of attended and ~20% of did-not-arrive appointments, ~30% of patients
 * one product sale) with 1–3 items each whose net prices sum to the invoice's net amount. ~3% of patients are
 * archived, ~2% share the previous patient's email in upper case, ~8% have no email; other emails are unique (they
 * contain the patient index). No merged patients, referral sources, group appointments or unavailable blocks.
 *
 * <p>Ids are 19 digits, unique, and increase with the patient index: patient {@code 1_700…000 + 1000·i + (0..996)},
 * then per patient slot {@code k} (in start / creation order): appointments {@code 1_800… + 16·i + k}, treatment
 * notes {@code 1_850… + 20·i + k}, invoices {@code 1_900… + 20·i + k} numbered {@code 1001 + 20·i + k}, invoice items
 * {@code 1_950… + 64·i + k}, medical alerts {@code 1_760… + 4·i + k}. Same seed and count ⇒ identical output.
 */
public final class ClinicStream {

    /** Largest supported patient count (invoice numbers stay ints). */
    public static final int MAX_PATIENTS = 100_000_000;

    private static final long PATIENT_BASE = 1_700_000_000_000_000_000L;
    private static final long ALERT_BASE = 1_760_000_000_000_000_000L;
    private static final long BOOKING_BASE = 1_800_000_000_000_000_000L;
    private static final long NOTE_BASE = 1_850_000_000_000_000_000L;
    private static final long INVOICE_BASE = 1_900_000_000_000_000_000L;
    private static final long ITEM_BASE = 1_950_000_000_000_000_000L;
    private static final int FIRST_INVOICE_NUMBER = 1001;
    private static final int BOOKING_SLOTS = 16;
    private static final int NOTE_SLOTS = 20;
    private static final int INVOICE_SLOTS = 20;
    private static final int ITEM_SLOTS = 64;
    private static final int ALERT_SLOTS = 4;

    /** 5–15 appointments; ~8% of a non-archived patient's ahead (≤ 45 days); ~70% final and ~6% draft notes. */
    private static final BookingMix MIX = new BookingMix(0.08, 45, 0.70, 0.76);
    private static final double SHARED_EMAIL = 0.022;
    private static final double ARCHIVED = 0.03;
    private static final double ATTENDED_INVOICED = 0.97;
    private static final double DID_NOT_ARRIVE_INVOICED = 0.2;
    private static final double PRODUCT_SALE = 0.3;
    private static final double PHONE_NOTE = 0.1;
    private static final double DISALLOWED_HTML = 0.03;
    /** Patients per CSV block: the exporter's lookups see one block at a time. */
    private static final int CSV_BLOCK = 256;

    private final long seed;
    private final int patientCount;
    private final Clinic reference;
    private final InvoiceLines invoiceLines;

    /**
     * A clinic of {@code patientCount} patients (1..{@link #MAX_PATIENTS}); nothing is generated until asked for,
     * except the reference data.
     */
    public ClinicStream(long seed, int patientCount) {
        if (patientCount < 1 || patientCount > MAX_PATIENTS) {
            throw new IllegalArgumentException("patientCount must be in 1.." + MAX_PATIENTS);
        }
        this.seed = seed;
        this.patientCount = patientCount;
        Clinic one = ClinicGenerator.generate(seed, 1);
        this.reference = new Clinic(one.now(), one.businesses(), one.users(), one.practitioners(),
                one.appointmentTypes(), List.of(), List.of(), List.of(), List.of(), List.of(), one.contacts(),
                Map.of(), one.referralSourceTypes(), List.of(), List.of(), one.patientCustomFieldsDefinition(),
                Map.of(), one.taxes(), one.billableItems(), one.products(), List.of(), List.of());
        this.invoiceLines = new InvoiceLines(one.taxes().get(0), one.billableItems(), one.products());
    }

    /**
     * One patient with its whole history, each list in id order.
     *
     * @param patient        the patient
     * @param appointments   its individual appointments (by start time)
     * @param treatmentNotes its treatment notes (by creation); appointment notes link to its attended appointments
     * @param invoices       its invoices (by creation); {@code appointmentId} is null or one of its appointments
     * @param invoiceItems   the items of its invoices, invoice by invoice
     */
    public record PatientHistory(Patient patient, List<IndividualAppointment> appointments,
                                 List<TreatmentNote> treatmentNotes, List<Invoice> invoices,
                                 List<InvoiceItem> invoiceItems) {
        /** Copies the lists. */
        public PatientHistory {
            appointments = List.copyOf(appointments);
            treatmentNotes = List.copyOf(treatmentNotes);
            invoices = List.copyOf(invoices);
            invoiceItems = List.copyOf(invoiceItems);
        }
    }

    /** Result of {@link #writeCsvCounted}: the files and their data row counts (invoices 0 when not written). */
    public record CsvExport(ClinicCsvExporter.ExportFiles files, long patientRows, long appointmentRows,
                            long invoiceRows) {
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** Number of patients. */
    public int patientCount() {
        return patientCount;
    }

    /**
     * The reference data, without patients: businesses, users, practitioners, appointment types, contacts,
     * referral source types, the patient custom-field definition, taxes, billable items and products (as
     * {@code ClinicGenerator.generate(seed, 1)} makes them).
     */
    public Clinic reference() {
        return reference;
    }

    /** Id of patient {@code index} (0-based). */
    public long patientId(int index) {
        checkIndex(index);
        return PATIENT_BASE + 1_000L * index + Math.floorMod(mix(seed, index), 997L);
    }

    /** Patient {@code index} (0-based) and its history, generated from its own random stream. */
    public PatientHistory patient(int index) {
        checkIndex(index);
        return history(index, true);
    }

    /** Generates every patient in index order, one at a time. */
    public void forEach(Consumer<PatientHistory> action) {
        for (int i = 0; i < patientCount; i++) {
            action.accept(history(i, true));
        }
    }

    /** Every patient in index order, generated lazily. */
    public Stream<PatientHistory> stream() {
        return IntStream.range(0, patientCount).mapToObj(this::patient);
    }

    /**
     * Everything as one {@link Clinic} for {@link ClinikoEmulator}: the reference data plus all patients,
     * appointments, invoices, invoice items, treatment notes and medical alert records (one per patient alert name).
     * Holds the whole clinic in memory (about 25 records per patient); meant for up to ~20,000 patients.
     */
    public Clinic toClinic() {
        List<PatientHistory> all = new ArrayList<>(patientCount);
        forEach(all::add);
        return assemble(all);
    }

    /**
     * Streams Cliniko's CSV export folder into {@code dir}, as {@link ClinicCsvExporter#write} names and formats it
     * ({@code Patients-Cliniko-<date>.csv}, {@code Appointments-Cliniko-<date>-From<first>-To<last>.csv},
     * {@code Invoices-…}), but with rows in patient order (each patient's appointments by start time, invoices by
     * number) instead of sorted across the clinic. Memory holds one block of 256 patients. Use an empty folder:
     * older exports with other From/To dates are left in place, and readers pick the newest name.
     *
     * @param dir        folder, created if missing
     * @param exportDate the export date in the file names
     * @param invoices   false to write only the patients and appointments files ({@link
     *                   ClinicCsvExporter.ExportFiles#invoices()} is then null)
     */
    public ClinicCsvExporter.ExportFiles writeCsv(Path dir, LocalDate exportDate, boolean invoices) {
        return writeCsvCounted(dir, exportDate, invoices).files();
    }

    /** {@link #writeCsv} that also returns the number of rows written to each file. */
    public CsvExport writeCsvCounted(Path dir, LocalDate exportDate, boolean invoices) {
        try (ClinicCsvExporter.Appender out = ClinicCsvExporter.appender(dir, exportDate, invoices)) {
            List<PatientHistory> block = new ArrayList<>(CSV_BLOCK);
            for (int i = 0; i < patientCount; i++) {
                block.add(history(i, false));
                if (block.size() == CSV_BLOCK || i == patientCount - 1) {
                    out.append(assemble(block));
                    block.clear();
                }
            }
            ClinicCsvExporter.ExportFiles files = out.finish();
            long[] rows = out.rowsWritten();
            return new CsvExport(files, rows[0], rows[1], rows[2]);
        }
    }

    // ============================================================================ implementation

    private void checkIndex(int index) {
        if (index < 0 || index >= patientCount) {
            throw new IndexOutOfBoundsException("patient index " + index + " of " + patientCount);
        }
    }

    /** SplitMix64 finaliser of {@code seed} combined with {@code index}: the seed of patient {@code index}. */
    static long mix(long seed, long index) {
        return fmix(fmix(seed) + (index + 1) * 0x9E3779B97F4A7C15L);
    }

    private static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The stream of patient {@code index}: {@code extras} (notes, items) is split off first, then the next draw
     * says whether it shares the previous patient's email, then the patient itself.
     */
    private static final class Streams {
        final SplittableRandom core;
        final SplittableRandom extras;
        final boolean shareCandidate;

        Streams(long seed, int index) {
            core = new SplittableRandom(mix(seed, index));
            extras = core.split();
            shareCandidate = core.nextDouble() < SHARED_EMAIL;
        }
    }

    private PatientHistory history(int index, boolean withExtras) {
        Streams s = new Streams(seed, index);
        PatientDraft p = person(index, s.core);
        if (s.shareCandidate && index > 0) {
            Streams previous = new Streams(seed, index - 1);
            if (!previous.shareCandidate) {
                shareEmail(p, person(index - 1, previous.core));
            }
        }
        SplittableRandom rnd = s.core;
        List<BookingDraft> bookings = ClinicGenerator.bookingsOf(rnd, MIX, index, p,
                5 + rnd.nextInt(11), false);
        for (int k = 0; k < bookings.size(); k++) {
            bookings.get(k).id = BOOKING_BASE + (long) BOOKING_SLOTS * index + k;
        }
        List<InvoiceDraft> drafts = new ArrayList<>();
        for (BookingDraft b : bookings) {
            if (b.cancelledAt == null && !b.startsAt.isAfter(ClinicGenerator.NOW)
                    && rnd.nextDouble() < (b.arrived ? ATTENDED_INVOICED : DID_NOT_ARRIVE_INVOICED)) {
                drafts.add(ClinicGenerator.appointmentInvoice(rnd, b));
            }
        }
        if (rnd.nextDouble() < PRODUCT_SALE) {
            InvoiceDraft sale = ClinicGenerator.productSale(rnd, index, p);
            if (sale != null) {
                drafts.add(sale);
            }
        }
        drafts.sort(Comparator.comparing((InvoiceDraft d) -> d.createdAt));
        for (int k = 0; k < drafts.size(); k++) {
            InvoiceDraft inv = drafts.get(k);
            inv.id = INVOICE_BASE + (long) INVOICE_SLOTS * index + k;
            inv.number = FIRST_INVOICE_NUMBER + INVOICE_SLOTS * index + k;
            ClinicGenerator.settleInvoice(rnd, inv);
        }

        Patient patient = p.build();
        List<IndividualAppointment> appointments = new ArrayList<>(bookings.size());
        for (BookingDraft b : bookings) {
            appointments.add(b.toAppointment(patient.id(), practitionerId(b.practitionerIndex),
                    businessId(b.businessIndex), type(b.typeIndex).id()));
        }
        List<Invoice> invoices = new ArrayList<>(drafts.size());
        for (InvoiceDraft inv : drafts) {
            invoices.add(inv.build(patient.id(), practitionerId(inv.practitionerIndex), businessId(inv.businessIndex)));
        }
        if (!withExtras) {
            return new PatientHistory(patient, appointments, List.of(), invoices, List.of());
        }
        List<InvoiceItem> items = new ArrayList<>();
        PrimitiveIterator.OfLong itemIds = LongStream.iterate(ITEM_BASE + (long) ITEM_SLOTS * index, id -> id + 1)
                .iterator();
        for (int k = 0; k < invoices.size(); k++) {
            BookingDraft b = drafts.get(k).appointment;
            items.addAll(invoiceLines.items(s.extras, invoices.get(k), b == null ? null : type(b.typeIndex),
                    itemIds::nextLong));
        }
        return new PatientHistory(patient, appointments, notes(index, patient, appointments, s.extras), invoices,
                items);
    }

    /** Draws the patient's own record (no appointments) from {@code rnd}. */
    private PatientDraft person(int index, SplittableRandom rnd) {
        PatientDraft p = new PatientDraft();
        long from = ClinicGenerator.FIRST_PATIENT.getEpochSecond();
        long span = ClinicGenerator.LAST_PATIENT.getEpochSecond() - from;
        long start = from + span * index / patientCount;
        long width = from + span * (index + 1) / patientCount - start;
        p.createdAt = Instant.ofEpochSecond(start + rnd.nextLong(Math.max(1, width / 2)));
        p.id = patientId(index);
        ClinicGenerator.freshPatient(rnd, p, (local, domain) -> local + "." + index + "@" + domain);
        if (rnd.nextDouble() < ARCHIVED) {
            ClinicGenerator.archive(rnd, p);
        }
        ClinicGenerator.touch(rnd, p);
        return p;
    }

    /** Family member of {@code previous}: its email in upper case, its last name and address. */
    private static void shareEmail(PatientDraft p, PatientDraft previous) {
        if (previous.email == null) {
            return;
        }
        p.email = previous.email.toUpperCase(Locale.ROOT);
        p.lastName = previous.lastName;
        p.address1 = previous.address1;
        p.address2 = previous.address2;
        p.city = previous.city;
        p.state = previous.state;
        p.postCode = previous.postCode;
    }

    private List<TreatmentNote> notes(int index, Patient patient, List<IndividualAppointment> appointments,
                                      SplittableRandom rnd) {
        long initialType = type(0).id();
        List<NoteDraft> drafts = new ArrayList<>();
        for (IndividualAppointment a : appointments) {
            if (a.treatmentNoteStatus() != null && !a.isCancelled() && !a.isFuture(ClinicGenerator.NOW)) {
                drafts.add(NoteDraft.forAppointment(rnd, a, initialType));
            }
        }
        if (rnd.nextDouble() < PHONE_NOTE) {
            drafts.add(NoteDraft.phoneNote(rnd, patient, appointments, practitionerId(0), true));
        }
        for (NoteDraft d : drafts) {
            d.settle(rnd);
            if (!d.nullContent && rnd.nextDouble() < DISALLOWED_HTML) {
                d.disallowedHtml = ClinicExtrasGenerator.pick(rnd, ClinicExtrasGenerator.HTML_DISALLOWED);
            }
        }
        drafts.sort(Comparator.comparing((NoteDraft d) -> d.createdAt));
        List<TreatmentNote> notes = new ArrayList<>(drafts.size());
        for (int k = 0; k < drafts.size(); k++) {
            NoteDraft d = drafts.get(k);
            String author = reference.practitioner(d.practitionerId).map(Clinic.Practitioner::displayName)
                    .orElse(null);
            notes.add(d.build(NOTE_BASE + (long) NOTE_SLOTS * index + k, author,
                    d.nullContent ? null : ClinicExtrasGenerator.content(rnd, d)));
        }
        return notes;
    }

    private long practitionerId(int practitionerIndex) {
        return reference.practitioners().get(practitionerIndex).id();
    }

    private long businessId(int businessIndex) {
        return reference.businesses().get(businessIndex).id();
    }

    private AppointmentType type(int typeIndex) {
        return reference.appointmentTypes().get(typeIndex);
    }

    /** The reference data plus {@code histories}; one medical alert record per patient alert name. */
    private Clinic assemble(List<PatientHistory> histories) {
        List<Patient> patients = new ArrayList<>(histories.size());
        List<IndividualAppointment> appointments = new ArrayList<>();
        List<Invoice> invoices = new ArrayList<>();
        List<InvoiceItem> items = new ArrayList<>();
        List<TreatmentNote> notes = new ArrayList<>();
        List<MedicalAlert> alerts = new ArrayList<>();
        for (PatientHistory h : histories) {
            Patient p = h.patient();
            patients.add(p);
            appointments.addAll(h.appointments());
            invoices.addAll(h.invoices());
            items.addAll(h.invoiceItems());
            notes.addAll(h.treatmentNotes());
            long alertBase = ALERT_BASE + ALERT_SLOTS * ((p.id() - PATIENT_BASE) / 1_000L);
            for (int k = 0; k < p.medicalAlerts().size(); k++) {
                Instant created = p.createdAt().plusSeconds(30 + k);
                alerts.add(new MedicalAlert(alertBase + k, p.id(), p.medicalAlerts().get(k), null, created, created));
            }
        }
        Clinic r = reference;
        return new Clinic(r.now(), r.businesses(), r.users(), r.practitioners(), r.appointmentTypes(), patients,
                appointments, invoices, List.of(), List.of(), r.contacts(), Map.of(), r.referralSourceTypes(),
                List.of(), alerts, r.patientCustomFieldsDefinition(), Map.of(), r.taxes(), r.billableItems(),
                r.products(), items, notes);
    }
}
