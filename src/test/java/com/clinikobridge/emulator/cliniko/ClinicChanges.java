package com.clinikobridge.emulator.cliniko;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.clinikobridge.emulator.cliniko.Clinic.IndividualAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.Invoice;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.cliniko.Clinic.TreatmentNote;

/**
 * What a clinic does in Cliniko between two syncs, applied to a {@link Clinic} (records are
 * immutable: each change makes a new clinic). Every change stamps {@code updated_at} with
 * {@link #at}, as Cliniko does, unless it says otherwise.
 */
public final class ClinicChanges {

	private Clinic clinic;

	/** When the changes happen (after the generator's NOW, so after any mark taken from it). */
	public final Instant at;

	public ClinicChanges(Clinic clinic, Instant at) {
		this.clinic = clinic;
		this.at = at;
	}

	public Clinic clinic() {
		return clinic;
	}

	/** Renames a patient (last name). */
	public ClinicChanges renamePatient(long id, String lastName) {
		return patient(id, p -> new Patient(p.id(), p.title(), p.firstName(), lastName, p.preferredFirstName(),
				p.email(), p.dateOfBirth(), p.sex(), p.genderIdentity(), p.occupation(), p.emergencyContact(),
				p.address1(), p.address2(), p.address3(), p.city(), p.state(), p.postCode(), p.country(), p.timeZone(),
				p.phoneNumbers(), p.notes(), p.medicalAlerts(), p.reminderType(), p.acceptedPrivacyPolicy(),
				p.acceptedEmailMarketing(), p.archivedAt(), p.mergedAt(), p.mergedWithPatientId(), p.createdAt(), at));
	}

	/** A new patient like the first one, with its own id, name and email. */
	public ClinicChanges addPatient(long newId, String email) {
		Patient p = clinic.patients().get(0);
		List<Patient> list = new ArrayList<>(clinic.patients());
		list.add(new Patient(newId, p.title(), "New", "Patient", null, email, p.dateOfBirth(), p.sex(),
				p.genderIdentity(), p.occupation(), null, p.address1(), null, null, p.city(), p.state(), p.postCode(),
				p.country(), p.timeZone(), List.of(), null, List.of(), p.reminderType(), p.acceptedPrivacyPolicy(),
				p.acceptedEmailMarketing(), null, null, null, at, at));
		rebuild(list, clinic.individualAppointments(), clinic.invoices(), clinic.treatmentNotes());
		return this;
	}

	/** Changes a patient's email. */
	public ClinicChanges changeEmail(long id, String email) {
		return patient(id, p -> new Patient(p.id(), p.title(), p.firstName(), p.lastName(), p.preferredFirstName(),
				email, p.dateOfBirth(), p.sex(), p.genderIdentity(), p.occupation(), p.emergencyContact(),
				p.address1(), p.address2(), p.address3(), p.city(), p.state(), p.postCode(), p.country(), p.timeZone(),
				p.phoneNumbers(), p.notes(), p.medicalAlerts(), p.reminderType(), p.acceptedPrivacyPolicy(),
				p.acceptedEmailMarketing(), p.archivedAt(), p.mergedAt(), p.mergedWithPatientId(), p.createdAt(), at));
	}

	/** The same changes from a later time (a second round of edits). */
	public ClinicChanges later(Instant when) {
		return new ClinicChanges(clinic, when);
	}

	public ClinicChanges archivePatient(long id) {
		return patient(id, p -> new Patient(p.id(), p.title(), p.firstName(), p.lastName(), p.preferredFirstName(),
				p.email(), p.dateOfBirth(), p.sex(), p.genderIdentity(), p.occupation(), p.emergencyContact(),
				p.address1(), p.address2(), p.address3(), p.city(), p.state(), p.postCode(), p.country(), p.timeZone(),
				p.phoneNumbers(), p.notes(), p.medicalAlerts(), p.reminderType(), p.acceptedPrivacyPolicy(),
				p.acceptedEmailMarketing(), at, p.mergedAt(), p.mergedWithPatientId(), p.createdAt(), at));
	}

	/**
	 * Merges patient {@code from} into {@code into} as Cliniko does: {@code from} is archived and
	 * marked merged, and its appointments, invoices and treatment notes move to {@code into}.
	 */
	public ClinicChanges merge(long from, long into) {
		patient(from, p -> new Patient(p.id(), p.title(), p.firstName(), p.lastName(), p.preferredFirstName(),
				p.email(), p.dateOfBirth(), p.sex(), p.genderIdentity(), p.occupation(), p.emergencyContact(),
				p.address1(), p.address2(), p.address3(), p.city(), p.state(), p.postCode(), p.country(), p.timeZone(),
				p.phoneNumbers(), p.notes(), p.medicalAlerts(), p.reminderType(), p.acceptedPrivacyPolicy(),
				p.acceptedEmailMarketing(), at, at, into, p.createdAt(), at));
		appointments(a -> a.patientId() == from ? withPatient(a, into) : a);
		List<Invoice> invoices = new ArrayList<>();
		for (Invoice i : clinic.invoices()) {
			invoices.add(i.patientId() != from ? i : new Invoice(i.id(), i.number(), i.issueDate(), i.status(), into,
					i.practitionerId(), i.businessId(), i.appointmentId(), i.netAmount(), i.taxAmount(), i.totalAmount(),
					i.paymentsApplied(), i.outstandingBalance(), i.creditApplied(), i.otherAllocations(), i.notes(),
					i.patientExtraInformation(), i.closedAt(), i.archivedAt(), i.createdAt(), at));
		}
		List<TreatmentNote> notes = new ArrayList<>();
		for (TreatmentNote n : clinic.treatmentNotes()) {
			notes.add(n.patientId() != from ? n : new TreatmentNote(n.id(), into, n.practitionerId(), n.bookingId(),
					n.title(), n.draft(), n.finalizedAt(), n.authorName(), n.content(), n.archivedAt(), n.createdAt(), at));
		}
		rebuild(clinic.patients(), clinic.individualAppointments(), invoices, notes);
		return this;
	}

	/** Cancels an appointment (reason 50, "Other"). */
	public ClinicChanges cancelAppointment(long id) {
		return appointments(a -> a.id() != id ? a : new IndividualAppointment(a.id(), a.patientId(),
				a.practitionerId(), a.businessId(), a.appointmentTypeId(), a.startsAt(), a.endsAt(), a.notes(),
				a.patientArrived(), a.didNotArrive(), at, 50, "Other", "Rescheduled by phone", a.treatmentNoteStatus(),
				a.onlineBooking(), a.archivedAt(), a.createdAt(), at));
	}

	/**
	 * Changes an appointment's notes without a new {@code updated_at}, as some Cliniko changes do:
	 * only the sync window finds it.
	 */
	public ClinicChanges editAppointmentQuietly(long id, String notes) {
		return appointments(a -> a.id() != id ? a : new IndividualAppointment(a.id(), a.patientId(),
				a.practitionerId(), a.businessId(), a.appointmentTypeId(), a.startsAt(), a.endsAt(), notes,
				a.patientArrived(), a.didNotArrive(), a.cancelledAt(), a.cancellationReason(),
				a.cancellationReasonDescription(), a.cancellationNote(), a.treatmentNoteStatus(), a.onlineBooking(),
				a.archivedAt(), a.createdAt(), a.updatedAt()));
	}

	/** Books a new appointment like an existing one, for a patient, a week after {@link #at}. */
	public ClinicChanges bookAppointment(long newId, long patientId) {
		IndividualAppointment like = clinic.individualAppointments().get(0);
		Instant starts = at.plus(Duration.ofDays(7));
		List<IndividualAppointment> list = new ArrayList<>(clinic.individualAppointments());
		list.add(new IndividualAppointment(newId, patientId, like.practitionerId(), like.businessId(),
				like.appointmentTypeId(), starts, starts.plus(Duration.ofMinutes(30)), null, null, null, null, null, null,
				null, null, true, null, at, at));
		rebuild(clinic.patients(), list, clinic.invoices(), clinic.treatmentNotes());
		return this;
	}

	/** The ids of a patient's appointments. */
	public Set<Long> appointmentsOf(long patientId) {
		Set<Long> ids = new java.util.TreeSet<>();
		clinic.individualAppointments().stream().filter(a -> a.patientId() == patientId).forEach(a -> ids.add(a.id()));
		return ids;
	}

	private IndividualAppointment withPatient(IndividualAppointment a, long patientId) {
		return new IndividualAppointment(a.id(), patientId, a.practitionerId(), a.businessId(), a.appointmentTypeId(),
				a.startsAt(), a.endsAt(), a.notes(), a.patientArrived(), a.didNotArrive(), a.cancelledAt(),
				a.cancellationReason(), a.cancellationReasonDescription(), a.cancellationNote(), a.treatmentNoteStatus(),
				a.onlineBooking(), a.archivedAt(), a.createdAt(), at);
	}

	private ClinicChanges patient(long id, UnaryOperator<Patient> change) {
		List<Patient> list = new ArrayList<>();
		for (Patient p : clinic.patients()) {
			list.add(p.id() == id ? change.apply(p) : p);
		}
		rebuild(list, clinic.individualAppointments(), clinic.invoices(), clinic.treatmentNotes());
		return this;
	}

	private ClinicChanges appointments(UnaryOperator<IndividualAppointment> change) {
		List<IndividualAppointment> list = new ArrayList<>();
		for (IndividualAppointment a : clinic.individualAppointments()) {
			list.add(change.apply(a));
		}
		rebuild(clinic.patients(), list, clinic.invoices(), clinic.treatmentNotes());
		return this;
	}

	private void rebuild(List<Patient> patients, List<IndividualAppointment> appointments, List<Invoice> invoices,
			List<TreatmentNote> notes) {
		Clinic c = clinic;
		clinic = new Clinic(c.now(), c.businesses(), c.users(), c.practitioners(), c.appointmentTypes(), patients,
				appointments, invoices, c.unavailableBlocks(), c.groupAppointments(), c.contacts(),
				c.referringDoctorByPatient(), c.referralSourceTypes(), c.referralSources(), c.medicalAlerts(),
				c.patientCustomFieldsDefinition(), c.customFieldsByPatient(), c.taxes(), c.billableItems(), c.products(),
				c.invoiceItems(), notes);
	}
}
