package dev.edgevl.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.SampleRecords;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FramePicturesTest {
    @Test
    void rgbKeepsItsPixelsAndDepthIsFalseColour() throws Exception {
        SensorFrame rgb = SampleRecords.rgbFrame("dev-1", 3);
        BufferedImage picture = decode(FramePictures.png(rgb).orElseThrow());
        assertThat(picture.getWidth()).isEqualTo(4);
        assertThat(picture.getHeight()).isEqualTo(4);
        byte[] data = new byte[rgb.getData().remaining()];
        rgb.getData().duplicate().get(data);
        int expected = (data[0] & 0xff) << 16 | (data[1] & 0xff) << 8 | (data[2] & 0xff);
        assertThat(picture.getRGB(0, 0) & 0xffffff).isEqualTo(expected);

        BufferedImage depth =
                decode(FramePictures.png(SampleRecords.depthFrame("dev-1", 3)).orElseThrow());
        assertThat(depth.getWidth()).isEqualTo(4);
        int pixel = depth.getRGB(1, 1) & 0xffffff;
        assertThat(pixel >> 16 & 0xff)
                .as("a colour map, not a grey ramp")
                .satisfiesAnyOf(r -> assertThat(r).isNotEqualTo(pixel >> 8 & 0xff), r -> assertThat(r)
                        .isNotEqualTo(pixel & 0xff));
    }

    @Test
    void aPngFrameIsSentAsItCameAndWhatCannotBeDrawnIsNotDrawn() {
        byte[] png = FramePictures.png(SampleRecords.rgbFrame("dev-1", 1)).orElseThrow();
        SensorFrame asPng = SensorFrame.newBuilder(SampleRecords.rgbFrame("dev-1", 1))
                .setEncoding(PixelEncoding.PNG)
                .setData(ByteBuffer.wrap(png))
                .build();
        assertThat(FramePictures.png(asPng)).hasValue(png);

        SensorFrame lying = SensorFrame.newBuilder(SampleRecords.rgbFrame("dev-1", 1))
                .setWidth(64)
                .build();
        assertThat(FramePictures.png(lying))
                .as("the header lies about its size")
                .isEmpty();
        SensorFrame jpeg = SensorFrame.newBuilder(SampleRecords.rgbFrame("dev-1", 1))
                .setEncoding(PixelEncoding.JPEG)
                .build();
        assertThat(FramePictures.png(jpeg)).isEmpty();
        assertThat(FramePictures.png(null)).isEmpty();
    }

    private static BufferedImage decode(byte[] png) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(png));
    }
}
