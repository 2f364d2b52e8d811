package com.clinikobridge.cliniko;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.opencsv.RFC4180Parser;
import com.opencsv.RFC4180ParserBuilder;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Restartable reader of one Cliniko CSV export file in a {@link CsvFormat} (encoding, separator,
 * date order; detected when only a file is given), LF, CRLF or CR line ends, RFC-4180 quoting
 * with multi-line fields. Columns are found by header name.
 *
 * <p>
 * A malformed record (wrong column count, broken quoting, larger than 1 MB, unparseable value)
 * becomes exactly one rejected {@link SourceItem} naming the file, first line, column and reason;
 * reading carries on with the next record. {@link CsvRecordFramer} frames records, so that one
 * broken quote cannot swallow the rest of the file and no record beyond 1 MB is held in memory.
 * After a broken quote or an oversized record, the lines up to the next well-formed record belong
 * to the rejected record (its reason says which lines were skipped). The restart state is the
 * number of physical lines consumed, kept in the step's {@link ExecutionContext} under
 * {@code <name>.lines}, so a restart resumes after the last committed row without reading it twice.
 */
public class ClinikoCsvReader<T> implements ItemStreamReader<SourceItem<T>> {

	static final int MAX_RECORD_LINES = CsvRecordFramer.MAX_RECORD_LINES;

	/** The "column" of a rejection about the row's framing rather than one value. */
	static final String WHOLE_ROW = "(row)";

	private final String name;

	private final Path file;

	private final CsvRowMapper<T> mapper;

	private CsvFormat format;

	private RFC4180Parser parser;

	private CsvRecordFramer framer;

	private Map<String, Integer> header;

	private int columns;

	private long passedOver;

	/** A rejection found while skipping the remains of a broken record, returned next. */
	private SourceItem<T> pending;

	/** Physical lines consumed when the reader was closed. */
	private long linesAtClose;

	/** A reader of {@code file}, its format detected; a null file (the export is absent) reads nothing. */
	public ClinikoCsvReader(String name, Path file, CsvRowMapper<T> mapper) {
		this.name = name;
		this.file = file;
		this.mapper = mapper;
	}

	/** A reader of a file in a known format; a null format (the export is absent) reads nothing. */
	public ClinikoCsvReader(String name, CsvFormat format, CsvRowMapper<T> mapper) {
		this(name, format == null ? null : format.file(), mapper);
		this.format = format;
	}

	@Override
	public void open(ExecutionContext context) throws ItemStreamException {
		if (file == null) {
			return;
		}
		try {
			if (format == null) {
				format = CsvFormat.detect(file);
			}
			parser = new RFC4180ParserBuilder().withSeparator(format.separator()).build();
			framer = new CsvRecordFramer(format.open());
			String headerLine = framer.headerLine();
			if (headerLine == null) {
				throw new ItemStreamException(file.getFileName() + " is empty: expected a header row");
			}
			String[] names = parser.parseLine(headerLine);
			header = new HashMap<>();
			for (int i = 0; i < names.length; i++) {
				header.putIfAbsent(CsvRow.key(names[i]), i);
			}
			columns = names.length;
			String savedFile = context.getString(name + ".file", null);
			if (savedFile != null && !savedFile.equals(file.getFileName().toString())) {
				throw new ItemStreamException("The export changed since this run started: it read " + savedFile
						+ ", the folder now has " + file.getFileName() + ". Start a new run instead of restarting.");
			}
			passedOver = context.getLong(name + ".passedOver", 0L);
			framer.skipTo(context.getLong(name + ".lines", 1L));
		}
		catch (IOException | UncheckedIOException ex) {
			throw new ItemStreamException("Cannot read " + file.getFileName(), ex);
		}
	}

	/** The header's column names, lower-cased and trimmed, to their index (after {@link #open}). */
	Map<String, Integer> header() {
		return header;
	}

	@Override
	public SourceItem<T> read() {
		if (framer == null) {
			return null;
		}
		if (pending != null) {
			SourceItem<T> item = pending;
			pending = null;
			return item;
		}
		while (true) {
			CsvRecordFramer.Frame frame = framer.next();
			if (frame == null) {
				return null;
			}
			String ref = file.getFileName() + " line " + frame.firstLine();
			if (frame.problem() == CsvRecordFramer.Problem.TOO_LARGE) {
				return frame.complete() ? tooLarge(frame) : broken(ref, frame, TOO_LARGE);
			}
			String[] values = frame.problem() == null ? parse(frame.text()) : null;
			if (values == null || values.length != columns && frame.lines().size() > 1) {
				// More likely a stray quote on the first line than a real multi-line field.
				framer.unreadAllButFirst(frame);
				return broken(ref, frame, "broken quoting: a quoted field is never closed");
			}
			if (values.length != columns) {
				return SourceItem.rejected(ref, lenientId(new CsvRow(header, values)), WHOLE_ROW,
						"wrong column count: expected " + columns + ", found " + values.length);
			}
			SourceItem<T> item = map(ref, new CsvRow(header, values, format.dateOrder()));
			if (item != null) {
				return item;
			}
			passedOver++;
		}
	}

	/** A row as a record or a rejection naming its column; null when the mapper passes it over. */
	private SourceItem<T> map(String ref, CsvRow row) {
		try {
			T mapped = mapper.map(row);
			return mapped == null ? null : SourceItem.of(ref, mapper.idOf(row), mapped);
		}
		catch (ClinikoValueException ex) {
			return SourceItem.rejected(ref, lenientId(row), ex.field(), ex.getMessage());
		}
	}

	private static final String TOO_LARGE = "record larger than " + CsvRecordFramer.MAX_RECORD_BYTES
			+ " bytes (1 MB); it was skipped without being read into memory";

	private SourceItem<T> tooLarge(CsvRecordFramer.Frame frame) {
		return SourceItem.rejected(file.getFileName() + " line " + frame.firstLine(), lenientId(frame.lines().get(0)),
				WHOLE_ROW, TOO_LARGE);
	}

	/**
	 * The one rejection of a badly framed record: the lines after it that form no well-formed
	 * record are skipped with it, so that its remains are not rejected again as records of their own.
	 */
	private SourceItem<T> broken(String ref, CsvRecordFramer.Frame frame, String reason) {
		String id = lenientId(frame.lines().get(0));
		long last = frame.problem() == CsvRecordFramer.Problem.TOO_LARGE ? frame.lastLine() : frame.firstLine();
		while (true) {
			CsvRecordFramer.Frame next = framer.next();
			if (next == null) {
				break;
			}
			if (wellFormed(next)) {
				framer.unread(next);
				break;
			}
			if (next.problem() == CsvRecordFramer.Problem.TOO_LARGE && next.complete()) {
				pending = tooLarge(next); // a record of its own, already skipped
				break;
			}
			framer.unreadAllButFirst(next);
			last = next.firstLine();
		}
		if (last > frame.firstLine()) {
			reason += "; lines " + frame.firstLine() + "-" + last + " skipped up to the next well-formed record";
		}
		return SourceItem.rejected(ref, id, WHOLE_ROW, reason);
	}

	private boolean wellFormed(CsvRecordFramer.Frame frame) {
		if (frame.problem() != null) {
			return false;
		}
		String[] values = parse(frame.text());
		return values != null && values.length == columns;
	}

	/** The fields of a record's text, or null when its quoting is broken or the parser refuses it. */
	private String[] parse(String text) {
		if (!wellQuoted(text, format.separator())) {
			return null;
		}
		try {
			return parser.parseLine(text);
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Whether every quoted field of a record is closed and has its inner quotes doubled, as RFC
	 * 4180 asks ({@code "He said ""hi"""}); quotes inside an unquoted field are text, as in
	 * Excel-escaped ids {@code ="123"}. OpenCSV would read {@code "He said "hi""} leniently, as
	 * some other text than was meant.
	 */
	static boolean wellQuoted(String text, char separator) {
		boolean quoted = false;
		boolean fieldStart = true;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (quoted) {
				if (c == '"') {
					char next = i + 1 < text.length() ? text.charAt(i + 1) : separator;
					if (next == '"') {
						i++;
					}
					else if (next == separator || next == '\n' || next == '\r') {
						quoted = false;
					}
					else {
						return false;
					}
				}
			}
			else if (c == separator || c == '\n') {
				fieldStart = true;
			}
			else {
				quoted = c == '"' && fieldStart;
				fieldStart = false;
			}
		}
		return !quoted;
	}

	/** The id of a broken record, read from its first line alone when that parses (else null). */
	private String lenientId(CsvRecordFramer.Line first) {
		if (first.oversized()) {
			return null;
		}
		String[] values = parse(first.text());
		if (values == null && first.text().indexOf('"') >= 0) {
			values = parse(first.text().substring(0, first.text().indexOf('"')));
		}
		return values == null ? null : lenientId(new CsvRow(header, values));
	}

	private String lenientId(CsvRow row) {
		try {
			return mapper.idOf(row);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** Rows passed over because they are not of this object type (e.g. unavailable blocks). */
	public long passedOver() {
		return passedOver;
	}

	@Override
	public void update(ExecutionContext context) {
		if (file != null) {
			context.putString(name + ".file", file.getFileName().toString());
		}
		context.putLong(name + ".lines", framer == null ? linesAtClose : framer.lines());
		context.putLong(name + ".passedOver", passedOver);
	}

	@Override
	public void close() {
		if (framer != null) {
			linesAtClose = framer.lines();
			try {
				framer.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			framer = null;
		}
	}
}
