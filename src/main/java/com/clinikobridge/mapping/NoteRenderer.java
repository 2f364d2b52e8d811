package com.clinikobridge.mapping;

import com.clinikobridge.cliniko.ClinikoTreatmentNote;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Entities;
import org.jsoup.safety.Safelist;

/**
 * Renders a treatment note as the simple HTML HubSpot notes take (MAPPING.md, Treatment notes →
 * notes): the title as a heading, each section name as a heading, each question in bold with
 * its answer. Paragraph answers are Cliniko HTML, sanitised with jsoup to p, br, ul, ol, li,
 * b, i, u, strong, em, blockquote and a (http/https/mailto); text and date answers are escaped;
 * checkbox and radio answers are their selected values. Notes are cut at HubSpot's 65,536
 * characters.
 */
public final class NoteRenderer {

	static final int MAX_LENGTH = 65_536;

	private static final Safelist ALLOWED = new Safelist()
		.addTags("p", "br", "ul", "ol", "li", "b", "i", "u", "strong", "em", "blockquote", "a", "div", "h1", "h2",
				"h3")
		.addAttributes("a", "href")
		.addProtocols("a", "href", "http", "https", "mailto");

	private static final Document.OutputSettings OUTPUT = new Document.OutputSettings().prettyPrint(false)
		.escapeMode(Entities.EscapeMode.base);

	private NoteRenderer() {
	}

	public static String render(ClinikoTreatmentNote note) {
		StringBuilder html = new StringBuilder();
		if (note.title() != null) {
			html.append("<h2>").append(escape(note.title())).append("</h2>");
		}
		for (ClinikoTreatmentNote.Section section : note.sections()) {
			if (section.name() != null) {
				html.append("<h3>").append(escape(section.name())).append("</h3>");
			}
			for (ClinikoTreatmentNote.Question q : section.questions()) {
				String answer = answer(q);
				if (answer == null) {
					continue;
				}
				html.append("<p><b>").append(escape(q.name() == null ? "" : q.name())).append("</b></p>");
				html.append(answer);
			}
		}
		String rendered = html.toString();
		return rendered.length() > MAX_LENGTH ? rendered.substring(0, MAX_LENGTH) : rendered;
	}

	private static String answer(ClinikoTreatmentNote.Question q) {
		String type = q.type() == null ? "text" : q.type();
		return switch (type) {
			case "paragraph" -> q.answer() == null ? null : sanitise(q.answer());
			case "checkboxes", "radiobuttons" -> q.selected().isEmpty() ? null
					: "<p>" + escape(String.join(", ", q.selected())) + "</p>";
			case "bodycharts" -> null;
			default -> q.answer() == null ? null : "<p>" + escape(q.answer()) + "</p>";
		};
	}

	/** Cliniko paragraph HTML reduced to the tags HubSpot notes accept. */
	static String sanitise(String html) {
		return Jsoup.clean(html, "", ALLOWED, OUTPUT);
	}

	private static String escape(String text) {
		return Entities.escape(text);
	}
}
