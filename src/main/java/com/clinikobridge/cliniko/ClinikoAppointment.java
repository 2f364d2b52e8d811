package com.clinikobridge.cliniko;

import java.time.Instant;

/**
 * A Cliniko individual appointment (Cliniko 2025 OpenAPI, IndividualAppointment; or a row of
 * the Appointments CSV export), with the names of its type, practitioner and business resolved.
 *
 * @param startsAt UTC start; {@code endsAt} UTC end
 * @param cancellationReason the reason as text (API {@code cancellation_reason_description})
 */
public record ClinikoAppointment(long id, Instant startsAt, Instant endsAt, Long patientId,
		Long practitionerId, String practitionerName, String appointmentTypeName, String businessName,
		String notes, Boolean patientArrived, Boolean didNotArrive, Instant cancelledAt,
		String cancellationReason, Instant createdAt, Instant updatedAt) {
}
