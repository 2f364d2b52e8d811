package com.clinikobridge.support;

import java.nio.file.Path;

import com.clinikobridge.cli.BridgeCommands;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Base of the functional tests: the CLI entry point, a work folder per test, and an empty
 * ledger before each test.
 */
public abstract class FunctionalTestBase extends PostgresTestBase {

	@Autowired
	protected BridgeCommands commands;

	@TempDir
	protected Path work;

	@BeforeEach
	void cleanLedger() {
		emptyLedger();
	}
}
