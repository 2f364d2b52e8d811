package com.clinikobridge.cliniko;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

import tools.jackson.databind.JsonNode;

/**
 * Reads Cliniko API JSON (Cliniko 2025 OpenAPI shapes; DIGEST §4): ids as strings holding
 * 64-bit integers, decimals as strings or numbers, UTC {@code Z} times, {@code ""} and null
 * alike, related records as {@code {"links":{"self":url}}} whose last path segment is the id.
 * Bad values throw {@link ClinikoValueException} naming the field.
 */
final class ClinikoJson {

	private ClinikoJson() {
	}

	static String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		if (value.isMissingNode() || value.isNull()) {
			return null;
		}
		String text = value.asString().strip();
		return text.isEmpty() ? null : text;
	}

	static Long id(JsonNode node, String field) {
		String text = text(node, field);
		return text == null ? null : CsvRow.parseId(field, text);
	}

	static Instant instant(JsonNode node, String field) {
		String text = text(node, field);
		if (text == null) {
			return null;
		}
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			try {
				return java.time.OffsetDateTime.parse(text).toInstant();
			}
			catch (DateTimeParseException ex2) {
				throw new ClinikoValueException(field, "unparseable time, expected ISO-8601 UTC");
			}
		}
	}

	static LocalDate date(JsonNode node, String field) {
		String text = text(node, field);
		if (text == null) {
			return null;
		}
		try {
			return LocalDate.parse(text);
		}
		catch (DateTimeParseException ex) {
			throw new ClinikoValueException(field, "unparseable date, expected YYYY-MM-DD");
		}
	}

	static BigDecimal decimal(JsonNode node, String field) {
		String text = text(node, field);
		if (text == null) {
			return null;
		}
		try {
			return new BigDecimal(text);
		}
		catch (NumberFormatException ex) {
			throw new ClinikoValueException(field, "not a number");
		}
	}

	static Boolean bool(JsonNode node, String field) {
		JsonNode value = node.path(field);
		if (value.isBoolean()) {
			return value.asBoolean();
		}
		String text = text(node, field);
		if (text == null) {
			return null;
		}
		if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
			return Boolean.valueOf(text);
		}
		throw new ClinikoValueException(field, "not a boolean");
	}

	/** The id at the end of {@code <field>.links.self}, or null when there is no link. */
	static Long linkedId(JsonNode node, String field) {
		String url = text(node.path(field).path("links"), "self");
		if (url == null) {
			return null;
		}
		String path = url.replaceFirst("[?#].*$", "");
		String last = path.substring(path.lastIndexOf('/') + 1);
		return CsvRow.parseId(field, last);
	}

	static ClinikoPatient patient(JsonNode p) {
		String mobile = null;
		String home = null;
		String work = null;
		String other = null;
		for (JsonNode phone : p.path("patient_phone_numbers")) {
			String type = text(phone, "phone_type");
			String number = text(phone, "number");
			if (type == null || number == null) {
				continue;
			}
			switch (type) {
				case "Mobile" -> mobile = mobile == null ? number : mobile;
				case "Home" -> home = home == null ? number : home;
				case "Work" -> work = work == null ? number : work;
				case "Other" -> other = other == null ? number : other;
				default -> {
				}
			}
		}
		Long id = id(p, "id");
		if (id == null) {
			throw new ClinikoValueException("id", "missing id");
		}
		return new ClinikoPatient(id, text(p, "first_name"), text(p, "last_name"), text(p, "preferred_first_name"),
				text(p, "email"), date(p, "date_of_birth"), text(p, "sex"), text(p, "gender_identity"),
				text(p, "occupation"), text(p, "emergency_contact"), text(p, "address_1"), text(p, "address_2"),
				text(p, "address_3"), text(p, "city"), text(p, "state"), text(p, "post_code"), text(p, "country"),
				mobile, home, work, other, null, null, instant(p, "archived_at"), linkedId(p, "merged_with_patient"),
				instant(p, "created_at"), instant(p, "updated_at"));
	}

	static ClinikoAppointment appointment(JsonNode a, ClinikoDirectory directory) {
		Long id = id(a, "id");
		if (id == null) {
			throw new ClinikoValueException("id", "missing id");
		}
		Long practitioner = linkedId(a, "practitioner");
		Long patient = linkedId(a, "patient");
		if (patient == null) {
			throw new ClinikoValueException("patient", "no patient link on an individual appointment");
		}
		String reason = text(a, "cancellation_reason_description");
		return new ClinikoAppointment(id, instant(a, "starts_at"), instant(a, "ends_at"), patient, practitioner,
				directory.practitionerName(practitioner), directory.appointmentTypeName(linkedId(a, "appointment_type")),
				directory.businessName(linkedId(a, "business")), text(a, "notes"), bool(a, "patient_arrived"),
				bool(a, "did_not_arrive"), instant(a, "cancelled_at"), reason, instant(a, "created_at"),
				instant(a, "updated_at"));
	}

	static ClinikoInvoice invoice(JsonNode i) {
		Long id = id(i, "id");
		if (id == null) {
			throw new ClinikoValueException("id", "missing id");
		}
		JsonNode statusNode = i.path("status");
		int status;
		try {
			status = Integer.parseInt(statusNode.asString().trim());
		}
		catch (NumberFormatException ex) {
			throw new ClinikoValueException("status", "not an invoice status code");
		}
		String number = text(i, "number");
		Long parsedNumber;
		try {
			parsedNumber = number == null ? null : Long.valueOf(number);
		}
		catch (NumberFormatException ex) {
			throw new ClinikoValueException("number", "not an invoice number");
		}
		return new ClinikoInvoice(id, parsedNumber, date(i, "issue_date"), status, decimal(i, "total_amount"),
				decimal(i, "net_amount"), decimal(i, "tax_amount"), null, linkedId(i, "patient"),
				linkedId(i, "practitioner"), null, instant(i, "created_at"), instant(i, "updated_at"));
	}
}
