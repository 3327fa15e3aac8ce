package dev.edgevl.console;

import dev.edgevl.avro.ModelVersion;
import java.util.List;

/** What the console's buttons do, and where its list of versions comes from. */
public interface ConsoleActions {
    /** Asks the teacher to embed {@code label} (a record on {@code labels}); returns a sentence for the page. */
    String addLabel(String label) throws Exception;

    /** Removes {@code label} from the vocabulary; returns a sentence for the page. */
    String removeLabel(String label) throws Exception;

    /** Makes {@code version} live fleet-wide; returns a sentence for the page. */
    String promote(long version) throws Exception;

    /** Makes the earlier {@code version} live again; returns a sentence for the page. */
    String rollback(long version) throws Exception;

    /** Every version the distiller's store has, newest first; empty when the console cannot see the store. */
    List<ModelVersion> versions() throws Exception;
}
