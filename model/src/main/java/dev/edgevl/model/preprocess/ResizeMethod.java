package dev.edgevl.model.preprocess;

/** How a frame whose size differs from the model's input size is brought to that size. */
public enum ResizeMethod {

    /**
     * Area averaging when shrinking (each output pixel is the mean of the source pixels it covers,
     * fractional pixels weighted by their covered area, as OpenCV's {@code INTER_AREA}), bilinear
     * when enlarging. Shrinking this way cannot alias: sensor noise and isolated depth holes are
     * averaged away instead of being picked up or skipped by chance.
     */
    AREA,

    /**
     * Bilinear interpolation between the four nearest source pixels, pixel centres aligned as
     * PyTorch's {@code interpolate(mode="bilinear", align_corners=False)} without antialiasing; use it
     * to match a model that was trained with that resize.
     */
    BILINEAR
}
