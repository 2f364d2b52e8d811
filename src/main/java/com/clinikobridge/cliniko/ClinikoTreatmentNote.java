package com.clinikobridge.cliniko;

import java.time.Instant;
import java.util.List;

/**
 * A treatment note (Cliniko 2025 OpenAPI, TreatmentNote) with its {@code content}: sections of
 * questions. Paragraph answers are HTML as Cliniko stores them (unsanitised here).
 */
public record ClinikoTreatmentNote(long id, Long patientId, Long practitionerId, String title, boolean draft,
		Instant finalizedAt, Instant createdAt, Instant updatedAt, List<Section> sections) {

	/** A content section. */
	public record Section(String name, String description, List<Question> questions) {
	}

	/**
	 * A question and its answer.
	 * @param type text, paragraph, date, checkboxes, radiobuttons, bodycharts
	 * @param answer text or HTML (paragraph) or date; null for choice questions
	 * @param selected the selected values of checkboxes and radio buttons (an "other" answer included)
	 */
	public record Question(String name, String type, String answer, List<String> selected) {
	}
}
