package com.clinikobridge.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.clinikobridge.cliniko.ClinikoPatient;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.ledger.Ledger;

import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * The patients step's email claims, a chunk at a time: before the chunk is processed, one
 * lookup of who holds its patients' emails; before it is written, one batched insert of the
 * claims its patients made (in the chunk's transaction). A claim per patient was two round trips
 * each, the patients step's largest cost.
 */
class EmailClaimPrefetch implements ChunkListener<SourceItem<ClinikoPatient>, HubSpotRecord>,
		ItemWriteListener<HubSpotRecord> {

	private final ActiveRun run;

	private final Ledger ledger;

	EmailClaimPrefetch(ActiveRun run, Ledger ledger) {
		this.run = run;
		this.ledger = ledger;
	}

	@Override
	public void beforeChunk(Chunk<SourceItem<ClinikoPatient>> chunk) {
		List<String> emails = new ArrayList<>();
		for (SourceItem<ClinikoPatient> item : chunk) {
			if (!item.isRejected() && item.record().email() != null && !item.record().email().isBlank()) {
				emails.add(item.record().email().trim().toLowerCase(Locale.ROOT));
			}
		}
		run.emailClaims(ledger).prefetch(emails);
	}

	@Override
	public void beforeWrite(Chunk<? extends HubSpotRecord> items) {
		run.emailClaims(ledger).flush();
	}

}
