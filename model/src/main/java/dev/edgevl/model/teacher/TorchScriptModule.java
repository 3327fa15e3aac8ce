package dev.edgevl.model.teacher;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import dev.edgevl.model.PyTorch;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A TorchScript file loaded into libtorch through DJL, with its exported methods callable by name and
 * libtorch's errors turned into sentences. Not thread-safe; {@link TorchScriptClipTeacher} guards it.
 */
final class TorchScriptModule implements AutoCloseable {

    // Exports made on a GPU hold CUDA tensors; libtorch maps them to the device the model loads on.
    private static final String MAP_LOCATION = "mapLocation";
    private static final String ENGINE = "PyTorch";

    private final Model model;
    private final PtSymbolBlock block;
    private final Path file;

    private TorchScriptModule(Model model, Path file) {
        this.model = model;
        this.block = (PtSymbolBlock) model.getBlock();
        this.file = file;
    }

    static TorchScriptModule load(ClipTeacherConfig config) {
        Path local = config.localModelPath();
        Object where = local != null ? local : config.model();
        if (local != null && !Files.isRegularFile(local)) {
            throw new TeacherLoadException("The teacher model file " + local + " does not exist; export your CLIP to"
                    + " TorchScript (see the README) and point modelPath at the .pt file.");
        }
        if (local == null && !isArchive(config.model())) {
            throw new TeacherLoadException("The teacher model URL " + where + " does not name a .zip, .tar.gz, .tgz or"
                    + " .tar archive, the only remote form DJL downloads; pack the .pt into an archive of the same"
                    + " name, or download it and set modelPath.");
        }
        startEngine();
        Device device = Device.fromName(config.device());
        Model model;
        try {
            model = local != null ? loadFile(local, device) : loadArchive(config.model(), device);
        } catch (MalformedModelException | EngineException e) {
            throw new TeacherLoadException(
                    "The teacher model " + where + " is not a TorchScript module that libtorch" + " can load ("
                            + ErrorText.summary(e) + "); save it with torch.jit.save, not torch.save.",
                    e);
        } catch (ModelNotFoundException | IOException e) {
            throw new TeacherLoadException(
                    "The teacher model " + where + " could not be read (" + ErrorText.summary(e)
                            + (local == null ? "); the archive must hold a .pt named like the archive itself." : ")."),
                    e);
        }
        return new TorchScriptModule(model, local != null ? local : fileInside(model));
    }

    // Started apart so that a missing native library is not reported as a bad model file.
    private static void startEngine() {
        try {
            PyTorch.engine();
        } catch (RuntimeException e) {
            throw new TeacherLoadException(
                    "The PyTorch engine did not start (" + ErrorText.summary(e) + "); put"
                            + " ai.djl.pytorch:pytorch-native-cpu (classifier linux-x86_64) on the classpath, or let DJL"
                            + " download libtorch by leaving ai.djl.offline unset.",
                    e);
        }
    }

    // Straight into the engine: DJL's repositories would walk the file's folder and warn about a bare file.
    private static Model loadFile(Path file, Device device) throws IOException, MalformedModelException {
        Model model = Model.newInstance(file.getFileName().toString(), device, ENGINE);
        try {
            model.load(file, null, Map.of(MAP_LOCATION, "true"));
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static Model loadArchive(URI url, Device device)
            throws IOException, ModelNotFoundException, MalformedModelException {
        return Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine(ENGINE)
                .optDevice(device)
                .optModelUrls(url.toString())
                .optOption(MAP_LOCATION, "true")
                .build()
                .loadModel();
    }

    /** A sub-manager of the model's, for one call's arrays; the caller closes it. */
    NDManager newManager() {
        return model.getNDManager().newSubManager();
    }

    /** Runs {@code method(input)}; the result belongs to the input's manager. */
    NDArray call(String method, NDArray input) {
        PtNDManager manager = (PtNDManager) input.getManager();
        try (IValue argument = IValue.from((PtNDArray) input);
                IValue result = IValueUtils.runMethod(block, method, argument)) {
            if (!result.isTensor()) {
                throw new IllegalStateException("The teacher's " + method + " returned " + result.getType()
                        + " instead of one tensor of embeddings.");
            }
            return result.toTensor(manager);
        } catch (EngineException e) {
            if (isMissing(method, e)) {
                throw new TeacherLoadException(
                        "The teacher model " + file + " has no method " + method + "; the"
                                + " export must mark it with @torch.jit.export (see the README).",
                        e);
            }
            throw new IllegalArgumentException(
                    "The teacher's " + method + " rejected an input of shape " + input.getShape() + ": "
                            + ErrorText.summary(e),
                    e);
        }
    }

    /** The value of an optional exported {@code method() -> int}, empty when the export has none. */
    OptionalLong optionalLong(String method) {
        try (IValue result = IValueUtils.runMethod(block, method)) {
            return result.isLong() ? OptionalLong.of(result.toLong()) : OptionalLong.empty();
        } catch (EngineException e) {
            if (isMissing(method, e)) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    /** The loaded file's sha256 in hex: the model's revision, whatever it is called. */
    String sha256() {
        try (DigestInputStream in =
                new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (IOException e) {
            throw new TeacherLoadException(
                    "Could not read the teacher model " + file + " to fingerprint it (" + e.getMessage() + ").", e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("Every Java runtime has SHA-256.", e);
        }
    }

    Path file() {
        return file;
    }

    // DJL (0.36) downloads and unpacks remote archives; any other http(s) URL it takes for an inference server.
    private static boolean isArchive(URI url) {
        String path = url.getPath() == null ? "" : url.getPath().toLowerCase(Locale.ROOT);
        return path.endsWith(".zip") || path.endsWith(".tar.gz") || path.endsWith(".tgz") || path.endsWith(".tar");
    }

    // libtorch: "Method 'encode_text' is not defined."
    private static boolean isMissing(String method, EngineException e) {
        String message = e.getMessage();
        return message != null && message.contains("'" + method + "'") && message.contains("not defined");
    }

    // DJL keeps a downloaded model in a folder of its cache; the .pt inside is what was loaded.
    private static Path fileInside(Model model) {
        Path dir = model.getModelPath();
        Path named = dir.resolve(model.getName() + ".pt");
        if (Files.isRegularFile(named)) {
            return named;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".pt"))
                    .findFirst()
                    .orElse(named);
        } catch (IOException e) {
            return named;
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
