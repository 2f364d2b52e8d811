package com.clinikobridge.job;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.clinikobridge.cliniko.ClinikoClient;
import com.clinikobridge.cliniko.ClinikoDirectory;
import com.clinikobridge.cliniko.ClinikoPageReader;
import com.clinikobridge.cliniko.ClinikoPatient;
import com.clinikobridge.cliniko.ClinikoPractitioner;
import com.clinikobridge.cliniko.CustomFieldDefinition;
import com.clinikobridge.cliniko.PatientDetails;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotClient;
import com.clinikobridge.hubspot.PropertySpec;
import com.clinikobridge.hubspot.SchemaSetup;
import com.clinikobridge.ledger.RunStore;
import com.clinikobridge.mapping.CustomFields;
import com.clinikobridge.mapping.Mapping;
import com.clinikobridge.mapping.ObjectMapping;
import com.clinikobridge.mapping.OwnerDirectory;

import com.clinikobridge.report.HtmlReports;
import com.clinikobridge.report.PlanReport;
import com.clinikobridge.report.PlanReport.CustomFieldRow;
import com.clinikobridge.report.PlanReport.Estimate;
import com.clinikobridge.report.PlanReport.InventoryRow;
import com.clinikobridge.report.PlanReport.MergedPatient;
import com.clinikobridge.report.PlanReport.OwnerRow;
import com.clinikobridge.report.PlanReport.RebuildItem;
import com.clinikobridge.report.PlanReport.SharedEmailGroup;
import com.clinikobridge.report.ReportWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.stereotype.Component;

/**
 * The {@code plan} command: an inventory and proposal, with no writes to HubSpot. Writes
 * {@code reports/<run-id>/plan.json} and {@code plan.html}; with {@code --approve} it records
 * the approval of the plan's fingerprint, which a full {@code migrate} requires.
 */
@Component
class PlanService {

	/** MAPPING.md "Not migrated", with how to rebuild each in HubSpot. */
	static final List<RebuildItem> REBUILD = List.of(
			new RebuildItem("Appointment reminder and confirmation templates",
					"Rebuild as HubSpot workflows triggered by meeting dates, or use meeting reminders in HubSpot Meetings."),
			new RebuildItem("Online booking settings",
					"Set up HubSpot Meetings scheduling pages per practitioner, with their availability and meeting types."),
			new RebuildItem("SMS and email automations",
					"Recreate as HubSpot workflows (marketing email or an SMS integration from the App Marketplace)."),
			new RebuildItem("Form templates (intake and consent forms)",
					"Recreate as HubSpot forms; answers land on contact properties."),
			new RebuildItem("Letters",
					"Recreate as HubSpot document or email templates; send past letters as files if they are needed."),
			new RebuildItem("Body charts",
					"Not available through Cliniko's API: export them from Cliniko and attach the files to the contact."),
			new RebuildItem("Practitioner availability", "Set working hours in each user's HubSpot Meetings availability."),
			new RebuildItem("Waitlist", "Use a HubSpot static list or a deal pipeline stage for waiting patients."),
			new RebuildItem("Group appointments (classes)",
					"Not migrated as meetings in this version; track classes as HubSpot events or lists."));

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final RunStore runs;

	private final com.clinikobridge.ledger.Ledger ledger;

	private final com.clinikobridge.ledger.WriteProofs proofs;

	PlanService(RunStore runs, com.clinikobridge.ledger.Ledger ledger, com.clinikobridge.ledger.WriteProofs proofs) {
		this.proofs = proofs;
		this.runs = runs;
		this.ledger = ledger;
	}

	/** Computes, writes and optionally approves a plan. */
	PlanReport plan(SourceSpec source, Set<String> objects, Mapping mapping, Path mappingFile, BridgeSettings settings,
			ClinikoClient cliniko, HubSpotClient hubspot, String runId, boolean approve, PrintStream out) {
		Instant now = Instant.now();
		List<InventoryRow> inventory = Inventory.count(source, cliniko, objects);
		String fingerprint = Inventory.fingerprint(source.text(), inventory, mappingContent(mappingFile));

		List<ClinikoPractitioner> practitioners = source.isCsv() ? source.csv().practitioners()
				: ClinikoDirectory.load(cliniko).practitioners();
		String fallback = settings.fallbackOwnerEmail() != null ? settings.fallbackOwnerEmail()
				: mapping.fallbackOwnerEmail();
		OwnerDirectory owners;
		try {
			owners = hubspot == null ? OwnerDirectory.none(practitioners)
					: OwnerDirectory.resolve(practitioners, hubspot.owners(), fallback);
		}
		catch (IllegalArgumentException ex) {
			throw new ConfigurationException(ex.getMessage());
		}
		List<OwnerRow> ownerRows = new ArrayList<>();
		for (OwnerDirectory.Resolution r : owners.resolutions()) {
			String status = r.ownerId() == null ? "unresolved" : r.how().equals("fallback") ? "fallback" : "matched";
			ownerRows.add(new OwnerRow(r.practitioner().id() == null ? "" : r.practitioner().id().toString(),
					r.practitioner().displayName(), status, hubspot == null ? "no HubSpot token" : r.how(), r.ownerId()));
		}

		Map<String, CustomFieldDefinition> definitions = !source.isCsv() && objects.contains("patients")
				? PatientDetails.load(cliniko).customFields() : Map.of();
		Map<String, PropertySpec> customProps = CustomFields.properties(definitions, ledger.customFieldNames());
		List<CustomFieldRow> customFields = new ArrayList<>();
		definitions.forEach((token, d) -> customFields.add(new CustomFieldRow(d.section(), d.name(), d.type(),
				customProps.get(token).name(), customProps.get(token).type() + "/" + customProps.get(token).fieldType(),
				d.archived())));

		Map<String, List<PropertySpec>> schema = mapping.schema(customProps, objects);
		List<String> changes;
		if (hubspot != null) {
			changes = new SchemaSetup(hubspot).difference(schema, mapping.pipelineLabel(), mapping.pipelineId(),
					mapping.stages());
		}
		else {
			changes = new ArrayList<>();
			schema.forEach((type, specs) -> specs.forEach(spec -> changes.add(type + ": create property " + spec.name()
					+ " (" + spec.type() + "/" + spec.fieldType() + (spec.unique() ? ", unique" : "") + ")")));
			if (mapping.pipelineId() == null) {
				changes.add("deals: create pipeline '" + mapping.pipelineLabel() + "' with stages "
						+ String.join(", ", mapping.stages().values()));
			}
		}

		List<SharedEmailGroup> shared = new ArrayList<>();
		List<MergedPatient> merged = new ArrayList<>();
		if (objects.contains("patients")) {
			patients(source, cliniko, shared, merged);
		}

		PlanReport plan = new PlanReport(runId, source.text(), mappingFile == null ? "(built-in defaults)"
				: mappingFile.toString(), now, fingerprint, approve || runs.approved(fingerprint), inventory, ownerRows,
				customFields, changes, hubspot != null, shared, merged, REBUILD,
				estimate(source, inventory, settings, changes.size()),
				hubspot == null ? List.of() : ForeignRecords.note(hubspot, proofs, objects).stream().toList());
		Path folder = ReportWriter.runFolder(settings.reportDir(), runId);
		runs.create(runId, "plan", source.text(), true, now);
		if (approve) {
			runs.approve(fingerprint, source.text(), runId);
		}
		try {
			ReportWriter.write(folder.resolve("plan.json"), JSON.writeValueAsString(plan) + "\n");
			ReportWriter.write(folder.resolve("plan.html"), HtmlReports.plan(plan));
		}
		catch (ReportWriter.ReportWriteException ex) {
			throw ReportNotWrittenException.markFailed(runs, runId, Instant.now(), ex);
		}
		runs.ended(runId, "COMPLETED", 0, Instant.now());
		out.println("Plan " + runId + " written to " + folder.resolve("plan.html"));
		out.printf("%-16s %-12s %9s %9s %9s%n", "object", "becomes", "total", "archived", "cancelled");
		inventory.forEach(r -> out.printf("%-16s %-12s %9d %9s %9d%n", r.object(), r.hubspotObject(), r.total(),
				r.archived() < 0 ? "n/a" : Long.toString(r.archived()), r.cancelled()));
		out.printf("Owners: %d matched, %d fallback, %d unresolved. HubSpot changes: %d. Shared-email groups: %d."
				+ " Merged patients: %d.%n", ownerRows.stream().filter(o -> o.status().equals("matched")).count(),
				ownerRows.stream().filter(o -> o.status().equals("fallback")).count(),
				ownerRows.stream().filter(o -> o.status().equals("unresolved")).count(), changes.size(), shared.size(),
				merged.size());
		out.printf("Estimate: %d Cliniko and %d HubSpot requests, about %.1f minutes (the APIs' bound: %.1f).%n",
				plan.estimate().clinikoRequests(), plan.estimate().hubspotRequests(), plan.estimate().expectedMinutes(),
				plan.estimate().boundMinutes());
		plan.portalWarnings().forEach(out::println);
		out.println(approve ? "Approved: fingerprint " + fingerprint
				: plan.approved() ? "This plan (fingerprint " + fingerprint + ") is approved."
						: "To approve it: plan --source=" + source.text() + " --approve");
		return plan;
	}

	/** The fingerprint of what a full migrate would move now. */
	String fingerprint(SourceSpec source, Set<String> objects, Path mappingFile, ClinikoClient cliniko) {
		return Inventory.fingerprint(source.text(), Inventory.count(source, cliniko, objects), mappingContent(mappingFile));
	}

	static String mappingContent(Path mappingFile) {
		Path file = mappingFile != null ? mappingFile : com.clinikobridge.mapping.MappingFile.DEFAULT;
		try {
			return Files.exists(file) ? Files.readString(file) : "(defaults)";
		}
		catch (IOException ex) {
			throw new ConfigurationException("--mapping: cannot read " + file);
		}
	}

	/** Shared-email groups (keeper = lowest id) and merged patients, from one pass over the patients. */
	private static void patients(SourceSpec source, ClinikoClient cliniko, List<SharedEmailGroup> shared,
			List<MergedPatient> merged) {
		Map<String, List<Long>> byEmail = new TreeMap<>();
		Map<Long, Long> mergedInto = new HashMap<>();
		if (source.isCsv()) {
			source.csv().scan("Patients", r -> {
				Long id = r.id("Patient ID");
				String email = r.text("Email");
				if (id != null && email != null) {
					byEmail.computeIfAbsent(email.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(id);
				}
			});
		}
		else {
			ClinikoPageReader<ClinikoPatient> reader = ClinikoPageReader.patients(cliniko, PatientDetails.none());
			reader.open(new ExecutionContext());
			SourceItem<ClinikoPatient> item;
			while ((item = reader.read()) != null) {
				if (item.isRejected()) {
					continue;
				}
				ClinikoPatient p = item.record();
				if (p.mergedWithPatientId() != null) {
					mergedInto.put(p.id(), p.mergedWithPatientId());
				}
				else if (p.email() != null) {
					byEmail.computeIfAbsent(p.email().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(p.id());
				}
			}
		}
		byEmail.forEach((email, ids) -> {
			if (ids.size() > 1) {
				List<Long> sorted = ids.stream().sorted().toList();
				shared.add(new SharedEmailGroup(mask(email), sorted.get(0).toString(),
						sorted.subList(1, sorted.size()).stream().map(String::valueOf).toList()));
			}
		});
		Map<String, String> survivors = new LinkedHashMap<>();
		mergedInto.keySet().stream().sorted().forEach(id -> {
			long survivor = id;
			for (int i = 0; i < 10 && mergedInto.containsKey(survivor); i++) {
				survivor = mergedInto.get(survivor);
			}
			survivors.put(id.toString(), Long.toString(survivor));
		});
		survivors.forEach((id, survivor) -> merged.add(new MergedPatient(id, survivor)));
	}

	static String mask(String email) {
		int at = email.indexOf('@');
		return at <= 1 ? "***" + email.substring(Math.max(at, 0)) : email.charAt(0) + "***" + email.substring(at);
	}

	/** Requests and minutes at the configured rates, 100 records a request. */
	private static Estimate estimate(SourceSpec source, List<InventoryRow> inventory, BridgeSettings settings,
			int schemaChanges) {
		long cliniko = source.isCsv() ? 0 : 12;
		long hubspot = 1 + Math.max(1, schemaChanges);
		for (InventoryRow row : inventory) {
			long pages = (row.total() + 99) / 100;
			if (!source.isCsv()) {
				cliniko += pages + (row.object().equals("products") ? 1 : 0);
			}
			boolean associates = !ObjectMapping.byName(row.object()).orElseThrow().dependsOn().isEmpty()
					|| row.object().equals("patients");
			hubspot += pages * (associates ? 2 : 1);
		}
		int clinikoPerMinute = (int) (settings.clinikoRequestsPerWindow() * 60_000L
				/ Math.max(1, settings.clinikoWindow().toMillis()));
		double hubspotPerSecond = settings.hubspotRequestsPerWindow() * 1000.0
				/ Math.max(1, settings.hubspotWindow().toMillis());
		double clinikoMinutes = clinikoPerMinute <= 0 ? 0 : (double) cliniko / clinikoPerMinute;
		double hubspotMinutes = hubspotPerSecond <= 0 ? 0 : hubspot / hubspotPerSecond / 60.0;
		return new Estimate(cliniko, hubspot, clinikoPerMinute, hubspotPerSecond, clinikoMinutes, hubspotMinutes,
				Math.max(clinikoMinutes, hubspotMinutes), clinikoMinutes + hubspotMinutes);
	}
}
