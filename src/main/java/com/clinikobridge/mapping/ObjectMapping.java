package com.clinikobridge.mapping;

import java.util.List;
import java.util.Optional;

import static com.clinikobridge.mapping.FieldDef.checkbox;
import static com.clinikobridge.mapping.FieldDef.date;
import static com.clinikobridge.mapping.FieldDef.datetime;
import static com.clinikobridge.mapping.FieldDef.hubspot;
import static com.clinikobridge.mapping.FieldDef.number;
import static com.clinikobridge.mapping.FieldDef.text;
import static com.clinikobridge.mapping.FieldDef.textarea;

/**
 * The objects the bridge moves (MAPPING.md, Objects): Cliniko object name (as {@code --objects}
 * takes it) → HubSpot object type, its unique ID property, the fields the mapping file may
 * rename or leave out, and the objects it depends on. {@link #ORDER} is the load order.
 */
public enum ObjectMapping {

	CONTACTS("contacts", "companies", "cliniko_contact_id", List.of(), List.of(
			hubspot("name", "name"), hubspot("phone", "phone"), hubspot("address", "address"),
			hubspot("city", "city"), hubspot("state", "state"), hubspot("post_code", "zip"),
			hubspot("country", "country"), text("type", "cliniko_contact_type", "Contact type"),
			text("provider_number", "cliniko_provider_number", "Provider number"))),

	PRODUCTS("products", "products", "cliniko_item_key", List.of(), List.of(
			hubspot("name", "name"), hubspot("price", "price"), hubspot("item_code", "hs_sku"),
			hubspot("notes", "description"))),

	PATIENTS("patients", "contacts", "cliniko_patient_id", List.of(), List.of(
			hubspot("first_name", "firstname"), hubspot("last_name", "lastname"), hubspot("email", "email"),
			hubspot("mobile_phone", "mobilephone"), hubspot("phone", "phone"), hubspot("address", "address"),
			hubspot("city", "city"), hubspot("state", "state"), hubspot("post_code", "zip"),
			hubspot("country", "country"), hubspot("occupation", "jobtitle"),
			date("date_of_birth", "cliniko_date_of_birth", "Date of birth"), text("sex", "cliniko_sex", "Sex"),
			text("gender_identity", "cliniko_gender_identity", "Gender identity"),
			textarea("medical_alerts", "cliniko_medical_alerts", "Medical alerts"),
			text("referral_source", "cliniko_referral_source", "Referral source"),
			textarea("emergency_contact", "cliniko_emergency_contact", "Emergency contact"),
			checkbox("archived", "cliniko_archived", "Archived in Cliniko"),
			datetime("created_at", "cliniko_created_at", "Created in Cliniko"),
			text("shared_email", "cliniko_shared_email", "Shared email"),
			text("merged_into", "cliniko_merged_into", "Merged into patient (Cliniko id)"))),

	APPOINTMENTS("appointments", "meetings", "cliniko_appointment_id", List.of("patients"), List.of(
			hubspot("starts_at", "hs_meeting_start_time"), hubspot("ends_at", "hs_meeting_end_time"),
			hubspot("title", "hs_meeting_title"), hubspot("outcome", "hs_meeting_outcome"),
			hubspot("business", "hs_meeting_location"), hubspot("notes", "hs_meeting_body"),
			hubspot("owner", "hubspot_owner_id"),
			text("appointment_type", "cliniko_appointment_type", "Appointment type"),
			number("duration_minutes", "cliniko_duration_minutes", "Duration (minutes)"),
			text("cancellation_reason", "cliniko_cancellation_reason", "Cancellation reason"))),

	TREATMENT_NOTES("treatment_notes", "notes", "cliniko_treatment_note_id", List.of("patients"), List.of(
			hubspot("body", "hs_note_body"), hubspot("owner", "hubspot_owner_id"),
			text("status", "cliniko_note_status", "Note status"))),

	INVOICES("invoices", "deals", "cliniko_invoice_id", List.of("patients"), List.of(
			hubspot("name", "dealname"), hubspot("total_amount", "amount"), hubspot("issue_date", "closedate"),
			hubspot("owner", "hubspot_owner_id"), text("number", "cliniko_invoice_number", "Invoice number"),
			text("status", "cliniko_invoice_status", "Invoice status"),
			number("tax_amount", "cliniko_tax_amount", "Tax amount"),
			number("net_amount", "cliniko_net_amount", "Net amount"),
			number("outstanding_balance", "cliniko_outstanding_balance", "Outstanding balance"))),

	INVOICE_ITEMS("invoice_items", "line_items", "cliniko_invoice_item_id", List.of("invoices"), List.of(
			hubspot("name", "name"), hubspot("quantity", "quantity"), hubspot("unit_price", "price"),
			number("tax_rate", "cliniko_tax_rate", "Tax rate (%)"),
			number("discount_percentage", "cliniko_discount_percentage", "Discount (%)")));

	/** Load order: what others associate to comes first (MAPPING.md, Dependency order). */
	public static final List<ObjectMapping> ORDER = List.of(CONTACTS, PRODUCTS, PATIENTS, APPOINTMENTS,
			TREATMENT_NOTES, INVOICES, INVOICE_ITEMS);

	private final String clinikoName;

	private final String hubspotType;

	private final String idProperty;

	private final List<String> dependsOn;

	private final List<FieldDef> fields;

	ObjectMapping(String clinikoName, String hubspotType, String idProperty, List<String> dependsOn,
			List<FieldDef> fields) {
		this.clinikoName = clinikoName;
		this.hubspotType = hubspotType;
		this.idProperty = idProperty;
		this.dependsOn = dependsOn;
		this.fields = fields;
	}

	public String clinikoName() {
		return clinikoName;
	}

	public String hubspotType() {
		return hubspotType;
	}

	public String idProperty() {
		return idProperty;
	}

	/** Objects whose records this one must associate to. */
	public List<String> dependsOn() {
		return dependsOn;
	}

	public List<FieldDef> fields() {
		return fields;
	}

	public Optional<FieldDef> field(String key) {
		return fields.stream().filter(f -> f.key().equals(key)).findFirst();
	}

	public static Optional<ObjectMapping> byName(String clinikoName) {
		return ORDER.stream().filter(m -> m.clinikoName.equals(clinikoName)).findFirst();
	}
}
