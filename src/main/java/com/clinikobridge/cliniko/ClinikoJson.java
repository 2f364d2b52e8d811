package com.clinikobridge.cliniko;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

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

	static ClinikoPatient patient(JsonNode p, PatientDetails details) {
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
		Long referrer = linkedId(p, "referring_doctor");
		if (referrer == null) {
			referrer = details.referrerContact(id);
		}
		return new ClinikoPatient(id, text(p, "first_name"), text(p, "last_name"), text(p, "preferred_first_name"),
				text(p, "email"), date(p, "date_of_birth"), text(p, "sex"), text(p, "gender_identity"),
				text(p, "occupation"), text(p, "emergency_contact"), text(p, "address_1"), text(p, "address_2"),
				text(p, "address_3"), text(p, "city"), text(p, "state"), text(p, "post_code"), text(p, "country"),
				mobile, home, work, other, details.medicalAlerts(id), details.referralSource(id),
				instant(p, "archived_at"), linkedId(p, "merged_with_patient"), instant(p, "created_at"),
				instant(p, "updated_at"), referrer, customFields(p.path("custom_fields")));
	}

	/** Answered custom fields of a patient's {@code custom_fields} (sections of fields). */
	static List<ClinikoPatient.CustomFieldAnswer> customFields(JsonNode customFields) {
		List<ClinikoPatient.CustomFieldAnswer> answers = new ArrayList<>();
		for (JsonNode section : customFields.path("sections")) {
			for (JsonNode field : section.path("fields")) {
				String token = text(field, "token");
				String type = text(field, "type");
				if (token == null || type == null) {
					continue;
				}
				String value;
				if (type.equals("checkboxes") || type.equals("radiobuttons")) {
					List<String> selected = new ArrayList<>();
					for (JsonNode option : field.path("options")) {
						if (option.path("selected").asBoolean(false) && text(option, "name") != null) {
							selected.add(text(option, "name"));
						}
					}
					JsonNode other = field.path("other");
					if (other.path("selected").asBoolean(false) && text(other, "value") != null) {
						selected.add(text(other, "value"));
					}
					value = selected.isEmpty() ? null : String.join(";", selected);
				}
				else {
					value = text(field, "value");
				}
				if (value != null) {
					answers.add(new ClinikoPatient.CustomFieldAnswer(token, value));
				}
			}
		}
		return answers;
	}

	static ClinikoContact contact(JsonNode c) {
		Long id = id(c, "id");
		if (id == null) {
			throw new ClinikoValueException("id", "missing id");
		}
		String phone = null;
		for (JsonNode n : c.path("phone_numbers")) {
			phone = phone != null ? phone : text(n, "number");
		}
		return new ClinikoContact(id, text(c, "company_name"), text(c, "first_name"), text(c, "last_name"),
				text(c, "email"), phone, text(c, "address_1"), text(c, "address_2"), text(c, "address_3"),
				text(c, "city"), text(c, "state"), text(c, "post_code"), text(c, "country"), text(c, "type"),
				text(c, "provider_number"), instant(c, "archived_at"), instant(c, "created_at"),
				instant(c, "updated_at"));
	}

	static ClinikoCatalogItem billableItem(JsonNode b) {
		Long id = id(b, "id");
		if (id == null) {
			throw new ClinikoValueException("id", "missing id");
		}
		return new ClinikoCatalogItem(ClinikoCatalogItem.billableItemKey(id), text(b, "name"), text(b, "item_code"),
				decimal(b, "price"), null, instant(b, "archived_at"), instant(b, "updated_at"));
	}

	static ClinikoCatalogItem product(JsonNode p) {
		Long id = id(p, "id");
		if (id == null) {
			throw new ClinikoValueException("id", "missing id");
		}
		return new ClinikoCatalogItem(ClinikoCatalogItem.productKey(id), text(p, "name"), text(p, "item_code"),
				decimal(p, "price_including_tax"), text(p, "notes"), instant(p, "archived_at"),
				instant(p, "updated_at"));
	}

	static ClinikoInvoiceItem invoiceItem(JsonNode i) {
		Long id = id(i, "id");
		if (id == null) {
			throw new ClinikoValueException("id", "missing id");
		}
		Long billable = linkedId(i, "billable_item");
		Long product = linkedId(i, "product");
		String catalog = billable != null ? ClinikoCatalogItem.billableItemKey(billable)
				: product != null ? ClinikoCatalogItem.productKey(product) : null;
		Long invoice = linkedId(i, "invoice");
		if (invoice == null) {
			invoice = id(i, "invoice_id");
		}
		return new ClinikoInvoiceItem(id, invoice, text(i, "name"), text(i, "code"), decimal(i, "quantity"),
				decimal(i, "unit_price"), decimal(i, "discount_percentage"), decimal(i, "tax_rate"), catalog,
				instant(i, "updated_at"));
	}

	static ClinikoTreatmentNote treatmentNote(JsonNode n) {
		Long id = id(n, "id");
		if (id == null) {
			throw new ClinikoValueException("id", "missing id");
		}
		List<ClinikoTreatmentNote.Section> sections = new ArrayList<>();
		for (JsonNode s : n.path("content").path("sections")) {
			List<ClinikoTreatmentNote.Question> questions = new ArrayList<>();
			for (JsonNode q : s.path("questions")) {
				List<String> selected = new ArrayList<>();
				for (JsonNode a : q.path("answers")) {
					if (a.path("selected").asBoolean(false) && text(a, "value") != null) {
						selected.add(text(a, "value"));
					}
				}
				JsonNode other = q.path("other");
				if (other.path("selected").asBoolean(false) && text(other, "value") != null) {
					selected.add(text(other, "value"));
				}
				questions.add(new ClinikoTreatmentNote.Question(text(q, "name"), text(q, "type"), text(q, "answer"),
						selected));
			}
			sections.add(new ClinikoTreatmentNote.Section(text(s, "name"), text(s, "description"), questions));
		}
		Boolean draft = bool(n, "draft");
		return new ClinikoTreatmentNote(id, linkedId(n, "patient"), linkedId(n, "practitioner"), text(n, "title"),
				draft != null && draft, instant(n, "finalized_at"), instant(n, "created_at"), instant(n, "updated_at"),
				sections);
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
