package com.clinikobridge.mapping;

import java.util.List;
import java.util.Map;

import com.clinikobridge.hubspot.PropertySpec;

/**
 * The default object mapping of MAPPING.md for the objects this version moves: Cliniko object
 * name → HubSpot object type, its unique ID property, and the custom properties it needs.
 * {@link #ORDER} is the load order (dependencies first).
 */
public enum ObjectMapping {

	PATIENTS("patients", "contacts", "cliniko_patient_id", List.of(
			PropertySpec.uniqueId("cliniko_patient_id", "Cliniko patient ID"),
			PropertySpec.date("cliniko_date_of_birth", "Date of birth"),
			PropertySpec.text("cliniko_sex", "Sex"),
			PropertySpec.text("cliniko_gender_identity", "Gender identity"),
			PropertySpec.textarea("cliniko_medical_alerts", "Medical alerts"),
			PropertySpec.text("cliniko_referral_source", "Referral source"),
			PropertySpec.textarea("cliniko_emergency_contact", "Emergency contact"),
			PropertySpec.checkbox("cliniko_archived", "Archived in Cliniko"),
			PropertySpec.datetime("cliniko_created_at", "Created in Cliniko"),
			PropertySpec.text("cliniko_shared_email", "Shared email"))),

	APPOINTMENTS("appointments", "meetings", "cliniko_appointment_id", List.of(
			PropertySpec.uniqueId("cliniko_appointment_id", "Cliniko appointment ID"),
			PropertySpec.text("cliniko_appointment_type", "Appointment type"),
			PropertySpec.number("cliniko_duration_minutes", "Duration (minutes)"),
			PropertySpec.text("cliniko_cancellation_reason", "Cancellation reason"))),

	INVOICES("invoices", "deals", "cliniko_invoice_id", List.of(
			PropertySpec.uniqueId("cliniko_invoice_id", "Cliniko invoice ID"),
			PropertySpec.text("cliniko_invoice_number", "Invoice number"),
			PropertySpec.text("cliniko_invoice_status", "Invoice status"),
			PropertySpec.number("cliniko_tax_amount", "Tax amount"),
			PropertySpec.number("cliniko_net_amount", "Net amount"),
			PropertySpec.number("cliniko_outstanding_balance", "Outstanding balance")));

	public static final List<ObjectMapping> ORDER = List.of(PATIENTS, APPOINTMENTS, INVOICES);

	private final String clinikoName;

	private final String hubspotType;

	private final String idProperty;

	private final List<PropertySpec> properties;

	ObjectMapping(String clinikoName, String hubspotType, String idProperty, List<PropertySpec> properties) {
		this.clinikoName = clinikoName;
		this.hubspotType = hubspotType;
		this.idProperty = idProperty;
		this.properties = properties;
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

	public List<PropertySpec> properties() {
		return properties;
	}

	/** Custom properties by HubSpot object type, for schema setup. */
	public static Map<String, List<PropertySpec>> schema() {
		Map<String, List<PropertySpec>> byType = new java.util.LinkedHashMap<>();
		for (ObjectMapping m : ORDER) {
			byType.put(m.hubspotType, m.properties);
		}
		return byType;
	}
}
