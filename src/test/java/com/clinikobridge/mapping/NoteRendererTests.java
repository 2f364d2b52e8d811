package com.clinikobridge.mapping;

import java.time.Instant;
import java.util.List;

import com.clinikobridge.cliniko.ClinikoTreatmentNote;
import com.clinikobridge.cliniko.ClinikoTreatmentNote.Question;
import com.clinikobridge.cliniko.ClinikoTreatmentNote.Section;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NoteRendererTests {

	@Test
	void rendersSectionsQuestionsAndAnswersAsSafeHtml() {
		// given a note with every answer type, including unsafe HTML
		ClinikoTreatmentNote note = new ClinikoTreatmentNote(1, 2L, 3L, "Initial <assessment>", false,
				Instant.parse("2025-05-20T01:00:00Z"), Instant.parse("2025-05-20T00:00:00Z"), null, List.of(
						new Section("Subjective", null, List.of(
								new Question("Complaint", "text", "Sore <knee> & hip", List.of()),
								new Question("History", "paragraph",
										"<p>Fell <b>twice</b></p><script>alert(1)</script><img src=x onerror=alert(2)>"
												+ "<span style=\"color:red\">red</span><a href=\"javascript:x()\">link</a>",
										List.of()),
								new Question("Onset", "date", "2025-05-01", List.of()),
								new Question("Pain areas", "checkboxes", null, List.of("Left knee", "Other: hip")),
								new Question("Unanswered", "radiobuttons", null, List.of()))),
						new Section("Plan", null, List.of(new Question("Chart", "bodycharts", null, List.of())))));

		// when
		String html = NoteRenderer.render(note);

		// then
		assertThat(html).startsWith("<h2>Initial &lt;assessment&gt;</h2><h3>Subjective</h3>")
			.contains("<p><b>Complaint</b></p><p>Sore &lt;knee&gt; &amp; hip</p>")
			.contains("<p>Fell <b>twice</b></p>")
			.contains("red")
			.contains("<p>Left knee, Other: hip</p>")
			.contains("<p>2025-05-01</p>")
			.contains("<h3>Plan</h3>")
			.doesNotContain("script", "onerror", "<img", "style=", "javascript:", "Unanswered", "Chart");
	}

	@Test
	void customFieldSlugsAreUniqueAndSafe() {
		var defs = new java.util.LinkedHashMap<String, com.clinikobridge.cliniko.CustomFieldDefinition>();
		defs.put("a", new com.clinikobridge.cliniko.CustomFieldDefinition("a", "Notes", "One", "paragraph", List.of(), false));
		defs.put("b", new com.clinikobridge.cliniko.CustomFieldDefinition("b", "Notes", "Two", "text", List.of(), false));
		defs.put("c", new com.clinikobridge.cliniko.CustomFieldDefinition("c", "Préférence — heure?", "Two", "radiobuttons",
				List.of("AM", "PM"), false));

		var specs = CustomFields.properties(defs);

		assertThat(specs.get("a").name()).isEqualTo("cliniko_cf_notes");
		assertThat(specs.get("a").fieldType()).isEqualTo("textarea");
		assertThat(specs.get("b").name()).isEqualTo("cliniko_cf_notes_2");
		assertThat(specs.get("c").name()).isEqualTo("cliniko_cf_preference_heure");
		assertThat(specs.get("c").fieldType()).isEqualTo("radio");
		assertThat(specs.get("c").options()).containsExactly("AM", "PM");

		// a field Cliniko lists first later keeps the names given before; the newcomer gets a free one
		var reordered = new java.util.LinkedHashMap<String, com.clinikobridge.cliniko.CustomFieldDefinition>();
		reordered.put("d", new com.clinikobridge.cliniko.CustomFieldDefinition("d", "Notes", "Zero", "text", List.of(), false));
		reordered.put("b", defs.get("b"));
		reordered.put("a", defs.get("a"));
		var again = CustomFields.properties(reordered, java.util.Map.of("a", "cliniko_cf_notes", "b", "cliniko_cf_notes_2"));
		assertThat(again.get("a").name()).isEqualTo("cliniko_cf_notes");
		assertThat(again.get("b").name()).isEqualTo("cliniko_cf_notes_2");
		assertThat(again.get("d").name()).isEqualTo("cliniko_cf_notes_3");
	}
}
