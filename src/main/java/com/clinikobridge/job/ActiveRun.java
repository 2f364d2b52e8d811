package com.clinikobridge.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.clinikobridge.cliniko.ClinikoClient;
import com.clinikobridge.cliniko.ClinikoCsvExports;
import com.clinikobridge.cliniko.ClinikoDirectory;
import com.clinikobridge.hubspot.HubSpotClient;
import com.clinikobridge.hubspot.PortalSchema;
import com.clinikobridge.cliniko.PatientDetails;
import com.clinikobridge.mapping.CustomFields;
import com.clinikobridge.mapping.Mapping;
import com.clinikobridge.mapping.MappingContext;
import com.clinikobridge.mapping.MappingFile;
import com.clinikobridge.mapping.OwnerDirectory;

import org.springframework.stereotype.Component;

/**
 * The state of the run this process is executing: its identity and settings (set by
 * {@link RunLauncher} before the job starts or restarts), the API clients, and what the first
 * steps found (directory, owners, portal schema). Steps read it; nothing here is persisted,
 * which is why the schema and owners steps run again on every restart.
 */
@Component
public class ActiveRun {

	/** How many records of each object a dry run keeps for the report. */
	static final int PREVIEW_RECORDS = 5;

	private volatile String runId;

	private volatile boolean dryRun;

	private volatile Instant startedAt;

	private volatile SourceSpec source;

	private volatile BridgeSettings settings;

	private volatile ClinikoClient cliniko;

	private volatile HubSpotClient hubspot;

	private volatile ClinikoDirectory directory = ClinikoDirectory.empty();

	private volatile OwnerDirectory owners = OwnerDirectory.none(List.of());

	private volatile PortalSchema portal = PortalSchema.placeholder();

	private volatile Mapping mapping = MappingFile.defaults();

	private volatile Set<String> objects = Set.of();

	private volatile PatientDetails patientDetails = PatientDetails.none();

	private volatile Set<String> withoutUniqueId = Set.of();

	private volatile Sample sample;

	private volatile com.clinikobridge.mapping.EmailClaims emailClaims;

	private volatile Map<String, Long> totals = Map.of();

	/** Sample runs: object → Cliniko id → [properties sent, Cliniko values], for the field-level diff. */
	private final Map<String, Map<String, List<Map<String, String>>>> sent = new LinkedHashMap<>();

	private final Map<String, List<Map<String, String>>> preview = new LinkedHashMap<>();

	private final AtomicLong associationFailures = new AtomicLong();

	private final AtomicLong sharedEmails = new AtomicLong();

	private volatile String targetRunId;

	private volatile int reconcileSample;

	private volatile boolean reconciling;

	private volatile boolean syncing;

	private volatile Map<String, com.clinikobridge.ledger.SyncStore.Mark> marks = Map.of();

	private volatile String marksKey;

	private volatile Instant sinceOverride;

	private final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final Map<String, Boolean> freshInHubSpot = new java.util.concurrent.ConcurrentHashMap<>();

	synchronized void begin(String runId, boolean dryRun, Instant startedAt, SourceSpec source, BridgeSettings settings,
			Mapping mapping, Set<String> objects, ClinikoClient cliniko, HubSpotClient hubspot) {
		this.mapping = mapping;
		this.objects = Set.copyOf(objects);
		this.patientDetails = PatientDetails.none();
		this.customFieldProperties = Map.of();
		this.withoutUniqueId = Set.of();
		this.sample = null;
		this.sent.clear();
		this.emailClaims = null;
		this.totals = Map.of();
		this.runId = runId;
		this.dryRun = dryRun;
		this.startedAt = startedAt;
		this.source = source;
		this.settings = settings;
		this.cliniko = cliniko;
		this.hubspot = hubspot;
		this.directory = ClinikoDirectory.empty();
		this.owners = OwnerDirectory.none(List.of());
		this.portal = PortalSchema.placeholder();
		this.preview.clear();
		this.associationFailures.set(0);
		this.sharedEmails.set(0);
		this.targetRunId = null;
		this.reconcileSample = 0;
		this.reconciling = false;
		this.freshInHubSpot.clear();
		this.syncing = false;
		this.repairing = false;
		this.marks = Map.of();
		this.marksKey = null;
		this.sinceOverride = null;
		this.notes.clear();
	}

	/** The run a rollback or reconcile run acts on, or null for migrate runs. */
	public String targetRunId() {
		return targetRunId;
	}

	void targetRunId(String targetRunId) {
		this.targetRunId = targetRunId;
	}

	/** Whether this run reconciles: it reads and compares, and writes nothing to HubSpot. */
	public boolean reconciling() {
		return reconciling;
	}

	/** Reconcile runs: how many records per object to compare values for (0 = every record). */
	int reconcileSample() {
		return reconcileSample;
	}

	void reconcile(String targetRunId, int sample) {
		this.reconciling = true;
		this.targetRunId = targetRunId;
		this.reconcileSample = sample;
	}

	/** Whether this run is a sync: each API list read only for what changed since its mark. */
	public boolean syncing() {
		return syncing;
	}

	private volatile boolean repairing;

	/** {@code reconcile --repair}: records that did not change in Cliniko are checked against HubSpot and rewritten when they drifted. */
	public boolean repairing() {
		return repairing;
	}

	void repair() {
		this.repairing = true;
	}

	/** Makes this run a sync; its marks are taken (or, on restart, loaded) by the prepare step. */
	void sync(Instant since) {
		this.syncing = true;
		this.sinceOverride = since;
	}

	void marks(Map<String, com.clinikobridge.ledger.SyncStore.Mark> marks) {
		this.marks = Map.copyOf(marks);
	}

	/** Makes the run keep high-water marks under this source key (API runs that write). */
	void keepMarks(String sourceKey) {
		this.marksKey = sourceKey;
	}

	/** The source key the run keeps marks under, or null when it keeps none. */
	String marksKey() {
		return marksKey;
	}

	/** {@code sync --since}, or null. */
	Instant sinceOverride() {
		return sinceOverride;
	}

	/** A sync run's mark for an object (what it reads since, and how much changed), or null. */
	com.clinikobridge.ledger.SyncStore.Mark mark(String object) {
		return marks.get(object);
	}

	/**
	 * Whether HubSpot held no record of an object when this process first wrote it (asked once
	 * per object and process): then no record of this run can have existed before it.
	 */
	boolean freshInHubSpot(String object, java.util.function.BooleanSupplier check) {
		return freshInHubSpot.computeIfAbsent(object, o -> check.getAsBoolean());
	}

	/** HubSpot refused a create as a duplicate: it holds records of this object, so read before-images. */
	void notFresh(String object) {
		freshInHubSpot.put(object, false);
	}

	/** Report notes steps leave for the end of the run (e.g. schema a rollback kept). */
	void note(String note) {
		notes.add(note);
	}

	List<String> notes() {
		return List.copyOf(notes);
	}

	public String runId() {
		return runId;
	}

	/** True when nothing may be written to HubSpot (--dry-run, or no token). */
	public boolean dryRun() {
		return dryRun;
	}

	public Instant startedAt() {
		return startedAt;
	}

	public SourceSpec source() {
		return source;
	}

	public BridgeSettings settings() {
		return settings;
	}

	public ClinikoClient cliniko() {
		return cliniko;
	}

	public HubSpotClient hubspot() {
		return hubspot;
	}

	public ClinikoCsvExports csv() {
		return source.csv();
	}

	public ClinikoDirectory directory() {
		return directory;
	}

	void directory(ClinikoDirectory directory) {
		this.directory = directory;
	}

	public OwnerDirectory owners() {
		return owners;
	}

	void owners(OwnerDirectory owners) {
		this.owners = owners;
	}

	void portal(PortalSchema portal) {
		this.portal = portal;
	}

	public MappingContext mappingContext() {
		return new MappingContext(startedAt, mapping, owners, portal, customFieldProperties);
	}

	private volatile Map<String, com.clinikobridge.hubspot.PropertySpec> customFieldProperties = Map.of();

	/** The contact property of each patient custom field, by token (names kept in the ledger). */
	public Map<String, com.clinikobridge.hubspot.PropertySpec> customFieldProperties() {
		return customFieldProperties;
	}

	void customFieldProperties(Map<String, com.clinikobridge.hubspot.PropertySpec> properties) {
		this.customFieldProperties = Map.copyOf(properties);
	}

	public Mapping mapping() {
		return mapping;
	}

	/** Whether this run migrates an object (by its Cliniko name). */
	public boolean migrates(String object) {
		return objects.contains(object);
	}

	public Set<String> objects() {
		return objects;
	}

	/** The run's email claims: the ledger's, or for a dry run an in-memory layer over them. */
	public synchronized com.clinikobridge.mapping.EmailClaims emailClaims(com.clinikobridge.ledger.Ledger ledger) {
		if (emailClaims == null) {
			emailClaims = dryRun ? ledger.dryRunEmailClaims() : ledger.emailClaims();
		}
		return emailClaims;
	}

	/** How many records the source holds for an object, or -1 when unknown (for progress). */
	public long total(String object) {
		return totals.getOrDefault(object, -1L);
	}

	void totals(Map<String, Long> totals) {
		this.totals = Map.copyOf(totals);
	}

	/** The sample of a {@code --sample=N} run, or null for a full run. */
	public Sample sample() {
		return sample;
	}

	void sample(Sample sample) {
		this.sample = sample;
	}

	synchronized void recordSent(String object, String key, Map<String, String> properties,
			Map<String, String> clinikoValues) {
		sent.computeIfAbsent(object, k -> new LinkedHashMap<>()).put(key, List.of(properties, clinikoValues));
	}

	synchronized Map<String, Map<String, List<Map<String, String>>>> sent() {
		return new LinkedHashMap<>(sent);
	}

	/** Whether a HubSpot object type is written through the id map (the portal refused a unique ID property). */
	public boolean withoutUniqueId(String hubspotType) {
		return withoutUniqueId.contains(hubspotType);
	}

	void withoutUniqueId(Set<String> hubspotTypes) {
		this.withoutUniqueId = Set.copyOf(hubspotTypes);
	}

	public PatientDetails patientDetails() {
		return patientDetails;
	}

	void patientDetails(PatientDetails details) {
		this.patientDetails = details;
	}

	synchronized void addPreview(String object, Map<String, String> properties) {
		List<Map<String, String>> list = preview.computeIfAbsent(object, k -> new ArrayList<>());
		if (list.size() < PREVIEW_RECORDS) {
			list.add(properties);
		}
	}

	public synchronized Map<String, List<Map<String, String>>> preview() {
		return new LinkedHashMap<>(preview);
	}

	void associationFailed(long count) {
		associationFailures.addAndGet(count);
	}

	void sharedEmail() {
		sharedEmails.incrementAndGet();
	}

	/** Patients this process sent with their email in the shared-email property instead of email. */
	public long sharedEmails() {
		return sharedEmails.get();
	}

	public long associationFailures() {
		return associationFailures.get();
	}
}
