package com.clinikobridge.emulator.cliniko;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An invented Cliniko account (test data only, no real people), as produced by {@link ClinicGenerator}.
 * Shapes follow the Cliniko API 2025 schemas (DIGEST §5): ids are 64-bit {@code long}s, timestamps are UTC
 * {@link Instant}s, dates {@link LocalDate}s, money {@link BigDecimal}s with 2 decimals.
 * Lists are ordered by {@code created_at} (ids ascend with it, except legacy patient ids which are small).
 *
 * @param now                     the fixed "current time" the data was generated against (future appointments start after it)
 * @param businesses              clinic locations
 * @param users                   Cliniko users (every practitioner has one; plus one non-practitioner administrator)
 * @param practitioners           active and inactive practitioners
 * @param appointmentTypes        appointment types (the last one is a group class used only by group appointments)
 * @param patients                all patients, including archived and merged-away ones
 * @param individualAppointments  one-patient appointments, including cancelled ones
 * @param invoices                invoices (amounts, statuses 10/20/30/40)
 * @param unavailableBlocks       practitioner unavailability (appears only in the CSV appointments export)
 * @param groupAppointments       group classes (appear only in the CSV appointments export)
 */
public record Clinic(
        Instant now,
        List<Business> businesses,
        List<User> users,
        List<Practitioner> practitioners,
        List<AppointmentType> appointmentTypes,
        List<Patient> patients,
        List<IndividualAppointment> individualAppointments,
        List<Invoice> invoices,
        List<UnavailableBlock> unavailableBlocks,
        List<GroupAppointment> groupAppointments) {

    /** Copies all lists into unmodifiable lists. */
    public Clinic {
        businesses = List.copyOf(businesses);
        users = List.copyOf(users);
        practitioners = List.copyOf(practitioners);
        appointmentTypes = List.copyOf(appointmentTypes);
        patients = List.copyOf(patients);
        individualAppointments = List.copyOf(individualAppointments);
        invoices = List.copyOf(invoices);
        unavailableBlocks = List.copyOf(unavailableBlocks);
        groupAppointments = List.copyOf(groupAppointments);
    }

    // ------------------------------------------------------------------ records

    /** A clinic location ({@code /businesses}). Time zone is an IANA id, e.g. {@code Australia/Melbourne}. */
    public record Business(long id, String businessName, String displayName, String address1, String city,
                           String state, String postCode, String timeZoneIdentifier,
                           Instant createdAt, Instant updatedAt) {
    }

    /** A Cliniko user ({@code /users}); the only place a practitioner's email lives. Role e.g. {@code practitioner}. */
    public record User(long id, String firstName, String lastName, String email, String role, boolean active,
                       Instant createdAt, Instant updatedAt) {
        /** "First Last". */
        public String fullName() {
            return firstName + " " + lastName;
        }
    }

    /** A practitioner ({@code /practitioners} when active, {@code /practitioners/inactive} otherwise). */
    public record Practitioner(long id, long userId, String title, String firstName, String lastName,
                               String displayName, String designation, boolean active,
                               Instant createdAt, Instant updatedAt) {
    }

    /** An appointment type; {@code maxAttendees > 1} means a group class. */
    public record AppointmentType(long id, String name, String category, int durationInMinutes, int maxAttendees,
                                  String color, Instant createdAt, Instant updatedAt) {
    }

    /**
     * A patient phone number. {@code phoneType} ∈ Mobile|Home|Work|Fax|Other, {@code number} as typed,
     * {@code normalizedNumber} international digits (e.g. {@code 61412345678}).
     */
    public record PhoneNumber(String phoneType, String number, String normalizedNumber) {
    }

    /**
     * A patient. {@code notes} is the free text exported as CSV "Extra Information" (may contain newlines/commas);
     * {@code medicalAlerts} are alert names (CSV "Medical Alerts"). A merged-away patient is archived and has
     * {@code mergedAt} + {@code mergedWithPatientId} (which may itself be merged-away: follow the chain).
     */
    public record Patient(long id, String title, String firstName, String lastName, String preferredFirstName,
                          String email, LocalDate dateOfBirth, String sex, String genderIdentity,
                          String occupation, String emergencyContact,
                          String address1, String address2, String address3, String city, String state,
                          String postCode, String country, String timeZone,
                          List<PhoneNumber> phoneNumbers, String notes, List<String> medicalAlerts,
                          String reminderType, Boolean acceptedPrivacyPolicy, Boolean acceptedEmailMarketing,
                          Instant archivedAt, Instant mergedAt, Long mergedWithPatientId,
                          Instant createdAt, Instant updatedAt) {
        /** Copies the lists. */
        public Patient {
            phoneNumbers = List.copyOf(phoneNumbers);
            medicalAlerts = List.copyOf(medicalAlerts);
        }

        /** True when archived (includes merged-away patients). */
        public boolean isArchived() {
            return archivedAt != null;
        }

        /** True when this record was merged into another patient. */
        public boolean isMerged() {
            return mergedAt != null;
        }

        /** "First Last" (Cliniko {@code label}). */
        public String fullName() {
            return firstName + " " + lastName;
        }

        /** All phone numbers of one type ({@code Mobile}, {@code Home}, ...), in order. */
        public List<PhoneNumber> phones(String phoneType) {
            return phoneNumbers.stream().filter(p -> p.phoneType().equals(phoneType)).toList();
        }
    }

    /**
     * A one-patient appointment ({@code /individual_appointments}). {@code cancellationReason} is the int code
     * (10,20,30,31,40,50,60); {@code treatmentNoteStatus} 10 Draft, 90 Final or null.
     */
    public record IndividualAppointment(long id, long patientId, long practitionerId, long businessId,
                                        long appointmentTypeId, Instant startsAt, Instant endsAt, String notes,
                                        Boolean patientArrived, Boolean didNotArrive,
                                        Instant cancelledAt, Integer cancellationReason,
                                        String cancellationReasonDescription, String cancellationNote,
                                        Integer treatmentNoteStatus, boolean onlineBooking,
                                        Instant archivedAt, Instant createdAt, Instant updatedAt) {
        /** True when cancelled. */
        public boolean isCancelled() {
            return cancelledAt != null;
        }

        /** True when it starts after {@code now}. */
        public boolean isFuture(Instant now) {
            return startsAt.isAfter(now);
        }
    }

    /**
     * An invoice. {@code status}: 10 Open, 20 Paid, 30 Closed, 40 Open credit. {@code totalAmount = netAmount + taxAmount}.
     * {@code paymentsApplied}, {@code outstandingBalance}, {@code creditApplied}, {@code otherAllocations} exist only in
     * the CSV export (the API has no payments).
     */
    public record Invoice(long id, int number, LocalDate issueDate, int status, long patientId, long practitionerId,
                          long businessId, Long appointmentId,
                          BigDecimal netAmount, BigDecimal taxAmount, BigDecimal totalAmount,
                          BigDecimal paymentsApplied, BigDecimal outstandingBalance, BigDecimal creditApplied,
                          BigDecimal otherAllocations,
                          String notes, String patientExtraInformation, Instant closedAt, Instant archivedAt,
                          Instant createdAt, Instant updatedAt) {
        /** Cliniko {@code status_description}: Open, Paid, Closed, Open credit. */
        public String statusDescription() {
            return statusDescription(status);
        }

        /** Maps an invoice status code to its description. */
        public static String statusDescription(int status) {
            return switch (status) {
                case 10 -> "Open";
                case 20 -> "Paid";
                case 30 -> "Closed";
                case 40 -> "Open credit";
                default -> throw new IllegalArgumentException("invoice status " + status);
            };
        }
    }

    /** A practitioner's unavailable block (CSV appointments export only). */
    public record UnavailableBlock(long id, long practitionerId, long businessId, Instant startsAt, Instant endsAt,
                                   Instant createdAt) {
    }

    /** A group class booking with several attendees (CSV appointments export only). */
    public record GroupAppointment(long id, long practitionerId, long businessId, long appointmentTypeId,
                                   Instant startsAt, Instant endsAt, int maxAttendees, List<Long> patientIds,
                                   Instant createdAt) {
        /** Copies the list. */
        public GroupAppointment {
            patientIds = List.copyOf(patientIds);
        }
    }

    // ------------------------------------------------------------------ helpers for tests

    /** Maps cancellation reason code → description (DIGEST §5). */
    public static String cancellationReasonDescription(int code) {
        return switch (code) {
            case 10 -> "Feeling Better";
            case 20 -> "Condition Worse";
            case 30 -> "Sick";
            case 31 -> "COVID-19 related";
            case 40 -> "Away";
            case 50 -> "Other";
            case 60 -> "Work";
            default -> throw new IllegalArgumentException("cancellation reason " + code);
        };
    }

    /** Patient by id, if any (linear scan; build a map for bulk use). */
    public Optional<Patient> patient(long id) {
        return patients.stream().filter(p -> p.id() == id).findFirst();
    }

    /** Practitioner by id, if any. */
    public Optional<Practitioner> practitioner(long id) {
        return practitioners.stream().filter(p -> p.id() == id).findFirst();
    }

    /** User by id, if any. */
    public Optional<User> user(long id) {
        return users.stream().filter(u -> u.id() == id).findFirst();
    }

    /** Business by id, if any. */
    public Optional<Business> business(long id) {
        return businesses.stream().filter(b -> b.id() == id).findFirst();
    }

    /** Appointment type by id, if any. */
    public Optional<AppointmentType> appointmentType(long id) {
        return appointmentTypes.stream().filter(t -> t.id() == id).findFirst();
    }

    /** Patients not archived (what {@code GET /patients} returns without filters). */
    public List<Patient> activePatients() {
        return patients.stream().filter(p -> !p.isArchived()).toList();
    }

    /** Archived patients, including merged-away ones. */
    public List<Patient> archivedPatients() {
        return patients.stream().filter(Patient::isArchived).toList();
    }

    /** Merged-away patients (archived, with merged_at and merged_with_patient). */
    public List<Patient> mergedPatients() {
        return patients.stream().filter(Patient::isMerged).toList();
    }

    /**
     * Follows the merged_with_patient chain from a patient id to the surviving (not merged-away) patient id.
     * Returns the id itself when the patient was not merged.
     */
    public long survivorId(long patientId) {
        Map<Long, Patient> byId = patientIndex();
        long current = patientId;
        for (int guard = 0; guard < 100; guard++) {
            Patient p = byId.get(current);
            if (p == null || p.mergedWithPatientId() == null) {
                return current;
            }
            current = p.mergedWithPatientId();
        }
        throw new IllegalStateException("merge chain too long");
    }

    /**
     * Non-merged patients sharing an email case-insensitively (families), keyed by lower-cased email,
     * in order of first appearance. Only groups of 2+ patients.
     */
    public Map<String, List<Patient>> sharedEmailGroups() {
        Map<String, List<Patient>> groups = new LinkedHashMap<>();
        for (Patient p : patients) {
            if (p.email() != null && !p.isMerged()) {
                groups.computeIfAbsent(p.email().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(p);
            }
        }
        groups.values().removeIf(l -> l.size() < 2);
        return groups;
    }

    /** Appointments that are not cancelled (what {@code GET /individual_appointments} returns without filters). */
    public List<IndividualAppointment> activeAppointments() {
        return individualAppointments.stream().filter(a -> !a.isCancelled() && a.archivedAt() == null).toList();
    }

    /** Cancelled appointments. */
    public List<IndividualAppointment> cancelledAppointments() {
        return individualAppointments.stream().filter(IndividualAppointment::isCancelled).toList();
    }

    /** Appointments with did_not_arrive = true. */
    public List<IndividualAppointment> didNotArriveAppointments() {
        return individualAppointments.stream().filter(a -> Boolean.TRUE.equals(a.didNotArrive())).toList();
    }

    /** Appointments starting after {@link #now()} (cancelled or not). */
    public List<IndividualAppointment> futureAppointments() {
        return individualAppointments.stream().filter(a -> a.isFuture(now)).toList();
    }

    /** Appointments of one patient. */
    public List<IndividualAppointment> appointmentsOf(long patientId) {
        return individualAppointments.stream().filter(a -> a.patientId() == patientId).toList();
    }

    /** Invoices of one patient. */
    public List<Invoice> invoicesOf(long patientId) {
        return invoices.stream().filter(i -> i.patientId() == patientId).toList();
    }

    /** Invoice count by status code (10, 20, 30, 40). */
    public Map<Integer, Long> invoiceCountByStatus() {
        return invoices.stream().collect(Collectors.groupingBy(Invoice::status, java.util.TreeMap::new,
                Collectors.counting()));
    }

    /** Practitioner's email via its user. */
    public String practitionerEmail(Practitioner practitioner) {
        return user(practitioner.userId()).map(User::email).orElse(null);
    }

    /** Patients by id (fresh map). */
    public Map<Long, Patient> patientIndex() {
        return index(patients, Patient::id);
    }

    private static <T> Map<Long, T> index(List<T> items, Function<T, Long> id) {
        Map<Long, T> map = new HashMap<>(items.size() * 2);
        for (T t : items) {
            map.put(id.apply(t), t);
        }
        return map;
    }
}
