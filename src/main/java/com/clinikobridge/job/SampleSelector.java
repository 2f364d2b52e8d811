package com.clinikobridge.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.clinikobridge.cliniko.ClinikoClient;
import com.clinikobridge.cliniko.ClinikoCsvExports;
import com.clinikobridge.cliniko.ClinikoPageReader;
import com.clinikobridge.cliniko.ClinikoPatient;
import com.clinikobridge.cliniko.ClinikoPractitioner;
import com.clinikobridge.cliniko.PatientDetails;
import com.clinikobridge.cliniko.SourceItem;
import tools.jackson.databind.JsonNode;

import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Chooses a representative sample of N patients: greedily, the patient that covers the most
 * not-yet-covered traits is taken next, where traits are each practitioner seen, each
 * appointment state (cancelled, did not arrive, future, past), each invoice status, and edge
 * cases (archived, shared email, survivor of a merge, custom fields, a referrer). Ties go to
 * the lowest id, so the same source gives the same sample. Merged-away patients are never
 * chosen themselves; their records come with their survivor.
 */
final class SampleSelector {

	private final Map<Long, Set<String>> traits = new TreeMap<>();

	private final Map<Long, Long> mergedInto = new HashMap<>();

	private final Map<Long, Long> referrer = new HashMap<>();

	/** Patients read from the source: only they can be chosen. */
	private final Set<Long> known = new HashSet<>();

	private void trait(Long patient, String trait) {
		if (patient != null && !mergedInto.containsKey(patient) && known.contains(patient)) {
			traits.computeIfAbsent(patient, k -> new HashSet<>()).add(trait);
		}
	}

	static Sample select(SourceSpec source, ClinikoClient cliniko, List<ClinikoPractitioner> practitioners, int n) {
		SampleSelector s = new SampleSelector();
		if (source.isCsv()) {
			s.scanCsv(source.csv());
		}
		else {
			s.scanApi(cliniko, practitioners);
		}
		return s.choose(n);
	}

	private void scanCsv(ClinikoCsvExports exports) {
		Map<String, List<Long>> byEmail = new HashMap<>();
		exports.scan("Patients", r -> {
			ClinikoPatient p = ClinikoCsvExports.PATIENTS.map(r); // rows the step rejects are not candidates
			long id = p.id();
			known.add(id);
			trait(id, "patient");
			if (r.text("Email") != null) {
				byEmail.computeIfAbsent(r.text("Email").toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(id);
			}
			if (r.text("Medical Alerts") != null) {
				trait(id, "medical alerts");
			}
			if (r.text("Referral Type") != null) {
				trait(id, "referral source");
			}
		});
		sharedEmails(byEmail);
		exports.scan("Appointments", r -> {
			var a = ClinikoCsvExports.APPOINTMENTS.map(r);
			if (a != null) {
				trait(a.patientId(), "practitioner " + a.practitionerName());
				trait(a.patientId(), "appointment " + (a.cancelledAt() != null ? "cancelled"
						: Boolean.TRUE.equals(a.didNotArrive()) ? "did not arrive" : "attended or booked"));
			}
		});
		exports.scan("Invoices", r -> {
			var i = ClinikoCsvExports.INVOICES.map(r);
			trait(i.patientId(), "invoice " + i.status());
		});
	}

	private void scanApi(ClinikoClient cliniko, List<ClinikoPractitioner> practitioners) {
		PatientDetails details = PatientDetails.load(cliniko);
		ClinikoPageReader<ClinikoPatient> reader = ClinikoPageReader.patients(cliniko, details);
		reader.open(new ExecutionContext());
		List<ClinikoPatient> patients = new ArrayList<>();
		SourceItem<ClinikoPatient> item;
		while ((item = reader.read()) != null) {
			if (!item.isRejected()) {
				patients.add(item.record());
				known.add(item.record().id());
				if (item.record().mergedWithPatientId() != null) {
					mergedInto.put(item.record().id(), item.record().mergedWithPatientId());
				}
			}
		}
		Map<String, List<Long>> byEmail = new HashMap<>();
		for (ClinikoPatient p : patients) {
			trait(p.id(), "patient");
			if (p.archivedAt() != null) {
				trait(p.id(), "archived");
			}
			if (!p.customFields().isEmpty()) {
				trait(p.id(), "custom fields");
			}
			if (p.medicalAlerts() != null) {
				trait(p.id(), "medical alerts");
			}
			if (p.referringContactId() != null) {
				trait(p.id(), "referrer");
				referrer.put(p.id(), p.referringContactId());
			}
			if (p.email() != null && !mergedInto.containsKey(p.id())) {
				byEmail.computeIfAbsent(p.email().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(p.id());
			}
		}
		mergedInto.forEach((from, to) -> trait(survivor(to), "merge survivor"));
		sharedEmails(byEmail);
		// One page of appointments per practitioner, and of invoices per status: enough to spread the sample.
		for (ClinikoPractitioner p : practitioners) {
			if (p.id() == null) {
				continue;
			}
			JsonNode page = optional(cliniko, "/individual_appointments?per_page=50&q%5B%5D=cancelled_at:*"
					+ "&q%5B%5D=practitioner_id:=" + p.id());
			for (JsonNode a : page.path("individual_appointments")) {
				Long patient = linked(a, "patient");
				trait(survivorOrSelf(patient), "practitioner " + p.id());
				boolean cancelled = !a.path("cancelled_at").isNull() && !a.path("cancelled_at").isMissingNode()
						&& !a.path("cancelled_at").asString("").isEmpty();
				trait(survivorOrSelf(patient), "appointment " + (cancelled ? "cancelled"
						: a.path("did_not_arrive").asBoolean(false) ? "did not arrive" : "attended or booked"));
			}
		}
		for (int status : new int[] { 10, 20, 30, 40 }) {
			JsonNode page = optional(cliniko, "/invoices?per_page=20&q%5B%5D=status:=" + status);
			for (JsonNode i : page.path("invoices")) {
				trait(survivorOrSelf(linked(i, "patient")), "invoice " + status);
			}
		}
	}

	/** A page that only spreads the sample: an API that refuses the query just spreads it less. */
	private static JsonNode optional(ClinikoClient cliniko, String pathAndQuery) {
		try {
			return cliniko.get(pathAndQuery);
		}
		catch (ClinikoClient.ClinikoRefusedException ex) {
			return tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
		}
	}

	private static Long linked(JsonNode node, String field) {
		String url = node.path(field).path("links").path("self").asString(null);
		if (url == null) {
			return null;
		}
		String last = url.replaceFirst("[?#].*$", "").replaceFirst(".*/", "");
		return last.matches("\\d+") ? Long.valueOf(last) : null;
	}

	private long survivor(long id) {
		long current = id;
		for (int i = 0; i < 10 && mergedInto.containsKey(current); i++) {
			current = mergedInto.get(current);
		}
		return current;
	}

	private Long survivorOrSelf(Long id) {
		return id == null ? null : survivor(id);
	}

	private void sharedEmails(Map<String, List<Long>> byEmail) {
		byEmail.values().stream().filter(ids -> ids.size() > 1).forEach(ids -> ids.forEach(id -> trait(id, "shared email")));
	}

	private Sample choose(int n) {
		Set<Long> chosen = new LinkedHashSet<>();
		Set<String> covered = new HashSet<>();
		while (chosen.size() < n && chosen.size() < traits.size()) {
			Long best = null;
			long bestGain = -1;
			for (Map.Entry<Long, Set<String>> e : traits.entrySet()) {
				if (chosen.contains(e.getKey())) {
					continue;
				}
				long gain = e.getValue().stream().filter(t -> !covered.contains(t)).count();
				if (gain > bestGain) {
					best = e.getKey();
					bestGain = gain;
				}
			}
			chosen.add(best);
			covered.addAll(traits.get(best));
		}
		Set<Long> merged = new HashSet<>();
		mergedInto.keySet().stream().filter(id -> chosen.contains(survivor(id))).forEach(merged::add);
		Set<Long> referrers = new HashSet<>();
		chosen.stream().filter(referrer::containsKey).map(referrer::get).forEach(referrers::add);
		return new Sample(chosen, merged, referrers);
	}
}
