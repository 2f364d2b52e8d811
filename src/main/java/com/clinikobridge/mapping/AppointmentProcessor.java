package com.clinikobridge.mapping;

import java.time.Duration;
import java.util.List;

import com.clinikobridge.cliniko.ClinikoAppointment;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.hubspot.HubSpotRecord.AssociationIntent;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Cliniko individual appointment → HubSpot meeting (MAPPING.md, Individual appointments →
 * meetings), associated to the patient's contact (type 200, meeting → contact). Outcome:
 * CANCELED if cancelled, else NO_SHOW if the patient did not arrive, else SCHEDULED if it
 * starts after the run's start time, else COMPLETED.
 */
public final class AppointmentProcessor implements ItemProcessor<SourceItem<ClinikoAppointment>, HubSpotRecord> {

	static final int MEETING_TO_CONTACT = 200;

	private final MappingContext context;

	public AppointmentProcessor(MappingContext context) {
		this.context = context;
	}

	@Override
	public HubSpotRecord process(SourceItem<ClinikoAppointment> item) {
		ObjectMapping m = ObjectMapping.APPOINTMENTS;
		if (item.isRejected()) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), item.clinikoId(), item.sourceRef(),
					item.field(), item.reason());
		}
		ClinikoAppointment a = item.record();
		String key = Long.toString(a.id());
		if (a.startsAt() == null) {
			return HubSpotRecord.rejected(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), "starts_at",
					"no start time: HubSpot meetings need hs_timestamp");
		}
		String outcome;
		if (a.cancelledAt() != null) {
			outcome = "CANCELED";
		}
		else if (Boolean.TRUE.equals(a.didNotArrive())) {
			outcome = "NO_SHOW";
		}
		else if (a.startsAt().isAfter(context.runStartedAt())) {
			outcome = "SCHEDULED";
		}
		else {
			outcome = "COMPLETED";
		}
		String title = a.appointmentTypeName() == null ? "Appointment" : a.appointmentTypeName();
		if (a.practitionerName() != null) {
			title = title + " with " + a.practitionerName();
		}
		Props props = new Props().put(m.idProperty(), key)
			.put("hs_timestamp", a.startsAt())
			.put("hs_meeting_start_time", a.startsAt())
			.put("hs_meeting_end_time", a.endsAt())
			.put("hs_meeting_title", title)
			.put("hs_meeting_outcome", outcome)
			.put("hs_meeting_location", a.businessName())
			.put("hs_meeting_body", a.notes())
			.put("hubspot_owner_id", context.owners().ownerFor(a.practitionerId(), a.practitionerName()))
			.put("cliniko_appointment_type", a.appointmentTypeName());
		if (a.endsAt() != null) {
			props.put("cliniko_duration_minutes", Duration.between(a.startsAt(), a.endsAt()).toMinutes());
		}
		if (a.cancelledAt() != null) {
			props.put("cliniko_cancellation_reason", a.cancellationReason());
		}
		return new HubSpotRecord(m.hubspotType(), m.clinikoName(), key, item.sourceRef(), m.idProperty(),
				props.build(), List.of(new AssociationIntent("contacts", "patients", Long.toString(a.patientId()),
						MEETING_TO_CONTACT)),
				null);
	}
}
