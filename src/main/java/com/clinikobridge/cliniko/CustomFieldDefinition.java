package com.clinikobridge.cliniko;

import java.util.List;

/**
 * A patient custom field as defined in {@code GET /settings}
 * {@code patient_custom_fields_definition} (Cliniko 2022 custom patient fields guide).
 *
 * @param type text, paragraph, date, checkboxes or radiobuttons
 * @param options option names of checkboxes and radio buttons
 */
public record CustomFieldDefinition(String token, String name, String section, String type, List<String> options,
		boolean archived) {
}
