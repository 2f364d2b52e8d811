package com.clinikobridge.emulator.cliniko;

import com.clinikobridge.emulator.cliniko.Clinic.AppointmentType;
import com.clinikobridge.emulator.cliniko.Clinic.Business;
import com.clinikobridge.emulator.cliniko.Clinic.GroupAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.IndividualAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.Invoice;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.cliniko.Clinic.PhoneNumber;
import com.clinikobridge.emulator.cliniko.Clinic.Practitioner;
import com.clinikobridge.emulator.cliniko.Clinic.UnavailableBlock;
import com.opencsv.CSVWriter;
import com.opencsv.ICSVWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes a {@link Clinic} as Cliniko's CSV data exports (Settings → Data exports), following
 * CSV-EXPORTS.md: real 2025 header rows (patients 65 columns, appointments variant A 25 columns, invoices
 * 21 columns), UTF-8 without BOM, LF line ends, RFC-4180 quoting only where needed, timestamps
 * {@code yyyy-MM-dd HH:mm:ss +HHMM} in Australia/Melbourne local time, dates {@code yyyy-MM-dd}, booleans
 * {@code true}/{@code false}, money like {@code 110.0}, and ~10% of 18–19 digit patient ids Excel-escaped as
 * {@code ="1700000000000000003"} (written raw, unquoted, as seen in real exports).
 */
public final class ClinicCsvExporter {

    /** Patients export header (June 2025, 65 columns), verbatim. */
    public static final List<String> PATIENTS_HEADER = List.of(("Patient ID,Title,First Name,Last Name,"
            + "Preferred First Name,Date of Birth,Sex,Email,PhoneMobile,PhoneHome,PhoneWork,PhoneFax,PhoneOther,"
            + "Address1,Address2,Address3,Time Zone,City,State,Post code,Country,Occupation,Emergency Contact,"
            + "Medicare Number,Referral Type,Referral Type Subcategory,Referral Extra Information,Referring Doctor,"
            + "Reference Number,Created At,Updated At,Next Appointment,Last Appointment,Birth Month,"
            + "Last Practitioner Seen,Last Business Visited,Business Id,Unapplied Account Credit,Medical Alerts,"
            + "Extra Information,Reminder Type,Invoice To,Invoice Email,Invoice Extra Info,Concession Type,"
            + "Unsubscribed SMS marketing,First Appointment,First Practitioner Seen,Accepted Privacy Policy,"
            + "Gender Identity,Pronouns,Gender (this field has been replaced),Appointment Notes,"
            + "Medicare Reference Number,Accepts email marketing,Opening balance,Account Balance,Mobile Phones,"
            + "Home Phones,Work Phones,Fax Phones,Other Phones,Receives Confirmation Emails,DVA card number,"
            + "Follow-up Messages").split(","));

    /** Appointments export header (Sept 2025, variant A, 25 columns), verbatim. */
    public static final List<String> APPOINTMENTS_HEADER = List.of(("Appointment ID,Start Time,End Time,"
            + "Practitioner,Practitioner ID,Patient ID(s),Appointment Type,Business,Did Not Arrive,Patient Arrived,"
            + "SMS Reminder Sent,Email Reminder Sent,Cancellation Time,Cancellation Reason,Cancellation Note,"
            + "Created At,Treatment Notes Status,Invoice Number,Appointment Category,Source,"
            + "Maximum Number of Patients,Number of Patients,Number of Cancellations,Patient Case,"
            + "Cancelled Patient ID(s)").split(","));

    /** Invoices export header (Sept 2025, 21 columns), verbatim. */
    public static final List<String> INVOICES_HEADER = List.of(("Invoice Number,Issue Date,Practitioner,"
            + "Sub-Total Amount,Tax Amount,Discount,Invoice Amount,Notes,Status,Date Closed,Created By,"
            + "Appointment ID,Business,Extra patient info,Patient ID,Outstanding Balance,Payments Applied,"
            + "Credit Applied,Other Allocations,Appointment Time,ID").split(","));

    /** Appointment Type text Cliniko uses for unavailable blocks. */
    public static final String UNAVAILABLE_TYPE = "Unavailable - Unavailable";

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx");
    private static final DateTimeFormatter FILE_DATE = DateTimeFormatter.BASIC_ISO_DATE;
    private static final String PATIENTS_PREFIX = "Patients-Cliniko-";
    private static final String APPOINTMENTS_PREFIX = "Appointments-Cliniko-";
    private static final String INVOICES_PREFIX = "Invoices-Cliniko-";

    /** Paths of the three files written by {@link #write}; {@code invoices} is null when not written. */
    public record ExportFiles(Path patients, Path appointments, Path invoices) {
    }

    private ClinicCsvExporter() {
    }

    /**
     * Writes {@code Patients-Cliniko-<exportDate>.csv},
     * {@code Appointments-Cliniko-<exportDate>-From<first>-To<last>.csv} and
     * {@code Invoices-Cliniko-<exportDate>-From<first>-To<last>.csv} (dates {@code yyyyMMdd}; From/To = earliest and
     * latest booking start / invoice issue date) into {@code dir} (created if missing).
     * Patients: one row per patient including archived and merged-away ones (the export has no archived column);
     * Referral Type / Subcategory / Extra Information come from the patient's referral source (type name,
     * subcategory, notes), Referring Doctor is the contact's "First Last" (or company name).
     * Appointments: one row per individual appointment, unavailable block and group appointment.
     * Invoices: one row per invoice.
     */
    public static ExportFiles write(Clinic clinic, Path dir, LocalDate exportDate) {
        try {
            Files.createDirectories(dir);
            String date = FILE_DATE.format(exportDate);
            Lookup lookup = new Lookup(clinic);

            Path patients = dir.resolve(PATIENTS_PREFIX + date + ".csv");
            writeFile(patients, PATIENTS_HEADER, clinic.patients().stream().map(p -> patientRow(p, lookup)).toList());

            List<Row> bookingRows = new ArrayList<>();
            clinic.individualAppointments().forEach(a -> bookingRows.add(new Row(a.startsAt(), a.id(),
                    appointmentRow(a, lookup))));
            clinic.unavailableBlocks().forEach(b -> bookingRows.add(new Row(b.startsAt(), b.id(),
                    unavailableRow(b, lookup))));
            clinic.groupAppointments().forEach(g -> bookingRows.add(new Row(g.startsAt(), g.id(),
                    groupRow(g, lookup))));
            bookingRows.sort(Comparator.comparing(Row::start).thenComparingLong(Row::id));
            String apptRange = range(bookingRows.stream().map(r -> localDate(r.start())).toList(), exportDate);
            Path appointments = dir.resolve(APPOINTMENTS_PREFIX + date + apptRange + ".csv");
            writeFile(appointments, APPOINTMENTS_HEADER, bookingRows.stream().map(Row::values).toList());

            List<Invoice> invoices = clinic.invoices().stream()
                    .sorted(Comparator.comparingInt(Invoice::number)).toList();
            String invRange = range(invoices.stream().map(Invoice::issueDate).toList(), exportDate);
            Path invoiceFile = dir.resolve(INVOICES_PREFIX + date + invRange + ".csv");
            writeFile(invoiceFile, INVOICES_HEADER, invoices.stream().map(i -> invoiceRow(i, lookup)).toList());
            return new ExportFiles(patients, appointments, invoiceFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens a streaming export into {@code dir} (created if missing) with the same file names, headers and row
     * formats as {@link #write}: each {@link Appender#append} writes one block's rows in the block's order (patients,
     * then its individual appointments, unavailable blocks and group appointments, then its invoices by number), and
     * {@link Appender#finish} renames the appointments and invoices files to their From/To names. Lookups (next
     * appointment, balance, invoice numbers, referral) see only the block, so a block must hold each of its patients'
     * whole history plus the reference lists. With {@code invoices = false} no invoices file is written.
     */
    static Appender appender(Path dir, LocalDate exportDate, boolean invoices) {
        try {
            return new Appender(dir, exportDate, invoices);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A streaming export: rows are appended per block, memory holds one block. Not thread-safe. */
    static final class Appender implements AutoCloseable {
        private final Path dir;
        private final String date;
        private final LocalDate exportDate;
        private final Path patients;
        private final Path appointmentsPart;
        private final Path invoicesPart;
        private final RowWriter patientRows;
        private final RowWriter appointmentRows;
        private final RowWriter invoiceRows;
        private LocalDate firstBooking;
        private LocalDate lastBooking;
        private LocalDate firstIssue;
        private LocalDate lastIssue;
        private long patientsWritten;
        private long appointmentsWritten;
        private long invoicesWritten;
        private boolean closed;

        private Appender(Path dir, LocalDate exportDate, boolean invoices) throws IOException {
            Files.createDirectories(dir);
            this.dir = dir;
            this.exportDate = exportDate;
            this.date = FILE_DATE.format(exportDate);
            patients = dir.resolve(PATIENTS_PREFIX + date + ".csv");
            appointmentsPart = dir.resolve(APPOINTMENTS_PREFIX + date + ".csv.part");
            invoicesPart = invoices ? dir.resolve(INVOICES_PREFIX + date + ".csv.part") : null;
            patientRows = new RowWriter(patients, PATIENTS_HEADER);
            appointmentRows = new RowWriter(appointmentsPart, APPOINTMENTS_HEADER);
            invoiceRows = invoices ? new RowWriter(invoicesPart, INVOICES_HEADER) : null;
        }

        /** Appends the rows of {@code block} (see {@link ClinicCsvExporter#appender}). */
        void append(Clinic block) {
            try {
                Lookup lookup = new Lookup(block);
                for (Patient p : block.patients()) {
                    patientRows.write(patientRow(p, lookup));
                }
                patientsWritten += block.patients().size();
                appointmentsWritten += block.individualAppointments().size() + block.unavailableBlocks().size()
                        + block.groupAppointments().size();
                for (IndividualAppointment a : block.individualAppointments()) {
                    booking(a.startsAt());
                    appointmentRows.write(appointmentRow(a, lookup));
                }
                for (UnavailableBlock b : block.unavailableBlocks()) {
                    booking(b.startsAt());
                    appointmentRows.write(unavailableRow(b, lookup));
                }
                for (GroupAppointment g : block.groupAppointments()) {
                    booking(g.startsAt());
                    appointmentRows.write(groupRow(g, lookup));
                }
                if (invoiceRows != null) {
                    List<Invoice> invoices = block.invoices().stream()
                            .sorted(Comparator.comparingInt(Invoice::number)).toList();
                    for (Invoice i : invoices) {
                        firstIssue = firstIssue == null || i.issueDate().isBefore(firstIssue) ? i.issueDate()
                                : firstIssue;
                        lastIssue = lastIssue == null || i.issueDate().isAfter(lastIssue) ? i.issueDate() : lastIssue;
                        invoiceRows.write(invoiceRow(i, lookup));
                    }
                    invoicesWritten += invoices.size();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Rows written so far: {patients, appointments (all kinds), invoices}. */
        long[] rowsWritten() {
            return new long[]{patientsWritten, appointmentsWritten, invoicesWritten};
        }

        private void booking(Instant start) {
            LocalDate day = localDate(start);
            firstBooking = firstBooking == null || day.isBefore(firstBooking) ? day : firstBooking;
            lastBooking = lastBooking == null || day.isAfter(lastBooking) ? day : lastBooking;
        }

        /** Closes the files and gives them their final names. */
        ExportFiles finish() {
            close();
            try {
                Path appointments = Files.move(appointmentsPart, dir.resolve(APPOINTMENTS_PREFIX + date
                        + rangeSuffix(firstBooking, lastBooking) + ".csv"), StandardCopyOption.REPLACE_EXISTING);
                Path invoices = invoicesPart == null ? null : Files.move(invoicesPart, dir.resolve(INVOICES_PREFIX
                        + date + rangeSuffix(firstIssue, lastIssue) + ".csv"), StandardCopyOption.REPLACE_EXISTING);
                return new ExportFiles(patients, appointments, invoices);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String rangeSuffix(LocalDate first, LocalDate last) {
            return range(first == null ? exportDate : first, last == null ? exportDate : last);
        }

        /** Closes the files (idempotent); without {@link #finish} they keep their {@code .part} names. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try (RowWriter p = patientRows; RowWriter a = appointmentRows; RowWriter i = invoiceRows) {
                // closes all three
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** True when the CSV export writes this patient id Excel-escaped ({@code ="..."}): ~10% of 18–19 digit ids. */
    static boolean excelEscaped(long patientId) {
        return patientId >= 100_000_000_000_000_000L
                && Math.floorMod(Long.rotateLeft(patientId * 0x9E3779B97F4A7C15L, 17), 10L) == 0;
    }

    // ------------------------------------------------------------------ rows

    private record Row(Instant start, long id, String[] values) {
    }

    /** Pre-computed per-patient and per-id lookups. */
    static final class Lookup {
        final Instant now;
        final Map<Long, Practitioner> practitioners;
        final Map<Long, Business> businesses;
        final Map<Long, AppointmentType> types;
        final Map<Long, Integer> invoiceNumberByAppointment = new HashMap<>();
        final Map<Long, IndividualAppointment> appointments;
        final Map<Long, List<IndividualAppointment>> appointmentsByPatient;
        final Map<Long, List<Invoice>> invoicesByPatient;
        final String createdBy;
        final Map<Long, Clinic.Contact> contacts;
        final Map<Long, Long> referringDoctorByPatient;
        final Map<Long, Clinic.ReferralSource> referralByPatient = new HashMap<>();
        final Map<Long, Clinic.ReferralSourceType> referralTypes;

        Lookup(Clinic clinic) {
            now = clinic.now();
            practitioners = byId(clinic.practitioners(), Practitioner::id);
            businesses = byId(clinic.businesses(), Business::id);
            types = byId(clinic.appointmentTypes(), AppointmentType::id);
            appointments = byId(clinic.individualAppointments(), IndividualAppointment::id);
            for (Invoice i : clinic.invoices()) {
                if (i.appointmentId() != null) {
                    invoiceNumberByAppointment.put(i.appointmentId(), i.number());
                }
            }
            appointmentsByPatient = clinic.individualAppointments().stream()
                    .filter(a -> !a.isCancelled() && a.archivedAt() == null)
                    .sorted(Comparator.comparing(IndividualAppointment::startsAt))
                    .collect(Collectors.groupingBy(IndividualAppointment::patientId));
            invoicesByPatient = clinic.invoices().stream().collect(Collectors.groupingBy(Invoice::patientId));
            createdBy = clinic.users().stream().filter(u -> "administrator".equals(u.role())).findFirst()
                    .map(Clinic.User::fullName).orElse("");
            contacts = byId(clinic.contacts(), Clinic.Contact::id);
            referringDoctorByPatient = clinic.referringDoctorByPatient();
            clinic.referralSources().forEach(r -> referralByPatient.put(r.patientId(), r));
            referralTypes = byId(clinic.referralSourceTypes(), Clinic.ReferralSourceType::id);
        }

        String practitionerName(long id) {
            Practitioner p = practitioners.get(id);
            return p == null ? "" : p.displayName();
        }

        String businessName(long id) {
            Business b = businesses.get(id);
            return b == null ? "" : b.businessName();
        }
    }

    private static <T> Map<Long, T> byId(List<T> items, Function<T, Long> id) {
        return items.stream().collect(Collectors.toMap(id, Function.identity()));
    }

    private static String[] patientRow(Patient p, Lookup l) {
        String[] row = new String[PATIENTS_HEADER.size()];
        Arrays.fill(row, "");
        Setter s = new Setter(row, PATIENTS_HEADER);
        s.set("Patient ID", excelEscaped(p.id()) ? "=\"" + p.id() + "\"" : Long.toString(p.id()));
        s.set("Title", p.title());
        s.set("First Name", p.firstName());
        s.set("Last Name", p.lastName());
        s.set("Preferred First Name", p.preferredFirstName());
        s.set("Date of Birth", p.dateOfBirth() == null ? null : p.dateOfBirth().toString());
        s.set("Sex", p.sex());
        s.set("Email", p.email());
        s.set("PhoneMobile", first(p, "Mobile"));
        s.set("PhoneHome", first(p, "Home"));
        s.set("PhoneWork", first(p, "Work"));
        s.set("PhoneFax", first(p, "Fax"));
        s.set("PhoneOther", first(p, "Other"));
        s.set("Mobile Phones", all(p, "Mobile"));
        s.set("Home Phones", all(p, "Home"));
        s.set("Work Phones", all(p, "Work"));
        s.set("Fax Phones", all(p, "Fax"));
        s.set("Other Phones", all(p, "Other"));
        s.set("Address1", p.address1());
        s.set("Address2", p.address2());
        s.set("Address3", p.address3());
        s.set("Time Zone", p.timeZone());
        s.set("City", p.city());
        s.set("State", p.state());
        s.set("Post code", p.postCode());
        s.set("Country", p.country());
        s.set("Occupation", p.occupation());
        s.set("Emergency Contact", p.emergencyContact());
        Clinic.ReferralSource referral = l.referralByPatient.get(p.id());
        if (referral != null) {
            Clinic.ReferralSourceType type = l.referralTypes.get(referral.referralSourceTypeId());
            s.set("Referral Type", type == null ? null : type.name());
            s.set("Referral Type Subcategory", referral.subcategory());
            s.set("Referral Extra Information", referral.notes());
        }
        Long doctorId = l.referringDoctorByPatient.get(p.id());
        Clinic.Contact doctor = doctorId == null ? null : l.contacts.get(doctorId);
        if (doctor != null) {
            s.set("Referring Doctor", doctor.displayName());
        }
        s.set("Created At", timestamp(p.createdAt()));
        s.set("Updated At", timestamp(p.updatedAt()));
        if (p.dateOfBirth() != null) {
            s.set("Birth Month", p.dateOfBirth().getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        }
        List<IndividualAppointment> appts = l.appointmentsByPatient.getOrDefault(p.id(), List.of());
        IndividualAppointment firstPast = null;
        IndividualAppointment lastPast = null;
        IndividualAppointment next = null;
        for (IndividualAppointment a : appts) {
            if (a.startsAt().isAfter(l.now)) {
                if (next == null) {
                    next = a;
                }
            } else {
                if (firstPast == null) {
                    firstPast = a;
                }
                lastPast = a;
            }
        }
        if (next != null) {
            s.set("Next Appointment", timestamp(next.startsAt()));
        }
        if (lastPast != null) {
            s.set("Last Appointment", timestamp(lastPast.startsAt()));
            s.set("Last Practitioner Seen", l.practitionerName(lastPast.practitionerId()));
            s.set("Last Business Visited", l.businessName(lastPast.businessId()));
            s.set("Business Id", Long.toString(lastPast.businessId()));
        }
        if (firstPast != null) {
            s.set("First Appointment", timestamp(firstPast.startsAt()));
            s.set("First Practitioner Seen", l.practitionerName(firstPast.practitionerId()));
        }
        BigDecimal balance = BigDecimal.ZERO;
        BigDecimal credit = BigDecimal.ZERO;
        for (Invoice i : l.invoicesByPatient.getOrDefault(p.id(), List.of())) {
            balance = balance.add(i.outstandingBalance());
            if (i.outstandingBalance().signum() < 0) {
                credit = credit.subtract(i.outstandingBalance());
            }
        }
        s.set("Unapplied Account Credit", credit.signum() == 0 ? "" : money(credit));
        s.set("Opening balance", "0.0");
        s.set("Account Balance", money(balance));
        s.set("Medical Alerts", String.join(", ", p.medicalAlerts()));
        s.set("Extra Information", p.notes());
        s.set("Reminder Type", p.reminderType());
        s.set("Follow-up Messages", p.reminderType());
        s.set("Unsubscribed SMS marketing", "false");
        s.set("Accepted Privacy Policy", p.acceptedPrivacyPolicy() == null ? "No response"
                : p.acceptedPrivacyPolicy() ? "Accepted" : "Rejected");
        s.set("Gender Identity", p.genderIdentity());
        s.set("Accepts email marketing", bool(p.acceptedEmailMarketing()));
        s.set("Receives Confirmation Emails", "true");
        return row;
    }

    private static String[] appointmentRow(IndividualAppointment a, Lookup l) {
        String[] row = new String[APPOINTMENTS_HEADER.size()];
        Arrays.fill(row, "");
        Setter s = new Setter(row, APPOINTMENTS_HEADER);
        AppointmentType type = l.types.get(a.appointmentTypeId());
        boolean past = !a.startsAt().isAfter(l.now);
        s.set("Appointment ID", Long.toString(a.id()));
        s.set("Start Time", timestamp(a.startsAt()));
        s.set("End Time", timestamp(a.endsAt()));
        s.set("Practitioner", l.practitionerName(a.practitionerId()));
        s.set("Practitioner ID", Long.toString(a.practitionerId()));
        s.set("Patient ID(s)", Long.toString(a.patientId()));
        s.set("Appointment Type", type == null ? "" : type.name());
        s.set("Appointment Category", type == null ? "" : type.category());
        s.set("Business", l.businessName(a.businessId()));
        s.set("Did Not Arrive", bool(a.didNotArrive()));
        s.set("Patient Arrived", bool(a.patientArrived()));
        s.set("SMS Reminder Sent", bool(past && !a.isCancelled()));
        s.set("Email Reminder Sent", bool(past && !a.isCancelled()));
        s.set("Created At", timestamp(a.createdAt()));
        s.set("Treatment Notes Status", a.treatmentNoteStatus() == null ? ""
                : a.treatmentNoteStatus() == 90 ? "Final" : "Draft");
        Integer invoiceNumber = l.invoiceNumberByAppointment.get(a.id());
        s.set("Invoice Number", invoiceNumber == null ? "" : invoiceNumber.toString());
        s.set("Source", a.onlineBooking() ? "Cliniko Bookings" : "");
        s.set("Maximum Number of Patients", "1");
        s.set("Number of Patients", a.isCancelled() ? "0" : "1");
        s.set("Number of Cancellations", a.isCancelled() ? "1" : "0");
        if (a.isCancelled()) {
            s.set("Cancellation Time", timestamp(a.cancelledAt()));
            s.set("Cancellation Reason", a.cancellationReasonDescription());
            s.set("Cancellation Note", a.cancellationNote());
            s.set("Cancelled Patient ID(s)", Long.toString(a.patientId()));
        }
        return row;
    }

    private static String[] unavailableRow(UnavailableBlock b, Lookup l) {
        String[] row = new String[APPOINTMENTS_HEADER.size()];
        Arrays.fill(row, "");
        Setter s = new Setter(row, APPOINTMENTS_HEADER);
        s.set("Appointment ID", Long.toString(b.id()));
        s.set("Start Time", timestamp(b.startsAt()));
        s.set("End Time", timestamp(b.endsAt()));
        s.set("Practitioner", l.practitionerName(b.practitionerId()));
        s.set("Practitioner ID", Long.toString(b.practitionerId()));
        s.set("Appointment Type", UNAVAILABLE_TYPE);
        s.set("Business", l.businessName(b.businessId()));
        for (String na : List.of("Did Not Arrive", "Patient Arrived", "SMS Reminder Sent", "Email Reminder Sent",
                "Cancellation Time", "Cancellation Reason", "Cancellation Note", "Source")) {
            s.set(na, "N/A");
        }
        s.set("Created At", timestamp(b.createdAt()));
        s.set("Number of Patients", "0");
        s.set("Number of Cancellations", "0");
        return row;
    }

    private static String[] groupRow(GroupAppointment g, Lookup l) {
        String[] row = new String[APPOINTMENTS_HEADER.size()];
        Arrays.fill(row, "");
        Setter s = new Setter(row, APPOINTMENTS_HEADER);
        AppointmentType type = l.types.get(g.appointmentTypeId());
        s.set("Appointment ID", Long.toString(g.id()));
        s.set("Start Time", timestamp(g.startsAt()));
        s.set("End Time", timestamp(g.endsAt()));
        s.set("Practitioner", l.practitionerName(g.practitionerId()));
        s.set("Practitioner ID", Long.toString(g.practitionerId()));
        s.set("Patient ID(s)", g.patientIds().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        s.set("Appointment Type", type == null ? "" : type.name());
        s.set("Appointment Category", type == null ? "" : type.category());
        s.set("Business", l.businessName(g.businessId()));
        s.set("Did Not Arrive", "N/A");
        s.set("Patient Arrived", "N/A");
        boolean past = !g.startsAt().isAfter(l.now);
        s.set("SMS Reminder Sent", bool(past));
        s.set("Email Reminder Sent", bool(past));
        s.set("Created At", timestamp(g.createdAt()));
        s.set("Maximum Number of Patients", Integer.toString(g.maxAttendees()));
        s.set("Number of Patients", Integer.toString(g.patientIds().size()));
        s.set("Number of Cancellations", "0");
        return row;
    }

    private static String[] invoiceRow(Invoice i, Lookup l) {
        String[] row = new String[INVOICES_HEADER.size()];
        Arrays.fill(row, "");
        Setter s = new Setter(row, INVOICES_HEADER);
        s.set("Invoice Number", Integer.toString(i.number()));
        s.set("Issue Date", i.issueDate().toString());
        s.set("Practitioner", l.practitionerName(i.practitionerId()));
        s.set("Sub-Total Amount", money(i.netAmount()));
        s.set("Tax Amount", money(i.taxAmount()));
        s.set("Discount", "0.0");
        s.set("Invoice Amount", money(i.totalAmount()));
        s.set("Notes", i.notes());
        s.set("Status", i.statusDescription());
        s.set("Date Closed", i.closedAt() == null ? "" : localDate(i.closedAt()).toString());
        s.set("Created By", l.createdBy);
        s.set("Appointment ID", i.appointmentId() == null ? "" : i.appointmentId().toString());
        s.set("Business", l.businessName(i.businessId()));
        s.set("Extra patient info", i.patientExtraInformation());
        s.set("Patient ID", Long.toString(i.patientId()));
        s.set("Outstanding Balance", money(i.outstandingBalance()));
        s.set("Payments Applied", money(i.paymentsApplied()));
        s.set("Credit Applied", money(i.creditApplied()));
        s.set("Other Allocations", money(i.otherAllocations()));
        IndividualAppointment a = i.appointmentId() == null ? null : l.appointments.get(i.appointmentId());
        s.set("Appointment Time", a == null ? "" : timestamp(a.startsAt()));
        s.set("ID", Long.toString(i.id()));
        return row;
    }

    /** Sets a column by header name (fails fast on a typo). */
    private record Setter(String[] row, List<String> header) {
        void set(String column, String value) {
            int index = header.indexOf(column);
            if (index < 0) {
                throw new IllegalArgumentException("no column " + column);
            }
            row[index] = value == null ? "" : value;
        }
    }

    // ------------------------------------------------------------------ formats

    private static void writeFile(Path file, List<String> header, List<String[]> rows) throws IOException {
        try (RowWriter out = new RowWriter(file, header)) {
            for (String[] row : rows) {
                out.write(row);
            }
        }
    }

    /** Writes a header and then rows to a UTF-8 file, one {@link CSVWriter} line at a time. */
    private static final class RowWriter implements AutoCloseable {
        private final Writer out;
        private final StringWriter buffer = new StringWriter();
        private final CSVWriter csv = new CSVWriter(buffer, ICSVWriter.DEFAULT_SEPARATOR,
                ICSVWriter.DEFAULT_QUOTE_CHARACTER, ICSVWriter.DEFAULT_ESCAPE_CHARACTER, "\n");

        RowWriter(Path file, List<String> header) throws IOException {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            csv.writeNext(header.toArray(String[]::new), false);
            csv.flush();
            out.write(buffer.toString());
            buffer.getBuffer().setLength(0);
        }

        void write(String[] row) throws IOException {
            csv.writeNext(row, false);
            csv.flush();
            StringBuffer sb = buffer.getBuffer();
            // Excel-escaped id in column 0: CSVWriter quotes it ("=""123"""), real exports write it raw.
            if (row[0].startsWith("=\"")) {
                String quoted = "\"" + row[0].replace("\"", "\"\"") + "\"";
                if (sb.indexOf(quoted) == 0) {
                    sb.replace(0, quoted.length(), row[0]);
                }
            }
            out.write(sb.toString());
            sb.setLength(0);
        }

        @Override
        public void close() throws IOException {
            try (Writer w = out) {
                csv.close();
            }
        }
    }

    private static String range(List<LocalDate> dates, LocalDate fallback) {
        LocalDate min = dates.stream().min(Comparator.naturalOrder()).orElse(fallback);
        LocalDate max = dates.stream().max(Comparator.naturalOrder()).orElse(fallback);
        return range(min, max);
    }

    private static String range(LocalDate first, LocalDate last) {
        return "-From" + FILE_DATE.format(first) + "-To" + FILE_DATE.format(last);
    }

    private static String first(Patient p, String type) {
        return p.phones(type).stream().findFirst().map(PhoneNumber::number).orElse("");
    }

    private static String all(Patient p, String type) {
        return p.phones(type).stream().map(PhoneNumber::number).collect(Collectors.joining(", "));
    }

    static String timestamp(Instant instant) {
        return instant == null ? "" : TIMESTAMP.format(instant.atZone(ClinicGenerator.CLINIC_ZONE));
    }

    private static LocalDate localDate(Instant instant) {
        return instant.atZone(ClinicGenerator.CLINIC_ZONE).toLocalDate();
    }

    private static String bool(Boolean value) {
        return value == null ? "" : value.toString();
    }

    /** Cliniko-style decimal: {@code 110.0}, {@code 96.5}, {@code 99.95}, {@code -20.0}. */
    static String money(BigDecimal value) {
        if (value == null) {
            return "";
        }
        BigDecimal v = value.stripTrailingZeros();
        if (v.scale() < 1) {
            v = v.setScale(1);
        }
        return v.toPlainString();
    }
}
