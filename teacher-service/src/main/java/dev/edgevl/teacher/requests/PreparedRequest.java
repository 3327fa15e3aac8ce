package dev.edgevl.teacher.requests;

import dev.edgevl.avro.TeacherRequest;

/**
 * A request that passed intake, with its RGB frame already turned into the teacher's input.
 *
 * @param input the RGB frame as 3×S×S CHW floats for the teacher
 */
record PreparedRequest(TeacherRequest request, float[] input) {}
