/**
 * Files: safetensors checkpoints and atomic writes.
 *
 * <ul>
 *   <li>{@link dev.visor.tensor.io.SafeTensors} writes float32 tensors in the safetensors format
 *       (byte-for-byte as the reference implementation does) and reads F32, F16 and BF16 tensors,
 *       validating the header strictly; {@link dev.visor.tensor.io.SafeTensorsFile} reads some
 *       tensors of a file without loading the rest. Every problem with a file is a
 *       {@link dev.visor.tensor.io.SafeTensorsException} naming the file, the tensor and the values.</li>
 *   <li>The header is read with Jackson's streaming parser under {@code StreamReadConstraints}
 *       (document, nesting, number and string limits); configuration files are mapped with
 *       jackson-databind where they are defined ({@code dev.visor.transformer}).</li>
 *   <li>{@link dev.visor.tensor.io.AtomicFiles} replaces files via a synced temporary file and an
 *       atomic rename, so a crash or a failing writer never leaves a torn file.</li>
 *   <li>{@link dev.visor.tensor.io.HalfFloats} widens IEEE half and bfloat16 values to float32 exactly.</li>
 * </ul>
 *
 * <pre>{@code
 * SafeTensors.write(Path.of("model.safetensors"), Map.of("w", w, "b", b), Map.of("format", "pt"));
 * Map<String, Tensor> weights = SafeTensors.read(Path.of("model.safetensors")).tensors();
 * AtomicFiles.writeString(Path.of("notes.txt"), "trained 100 steps\n");
 * }</pre>
 */
package dev.visor.tensor.io;
