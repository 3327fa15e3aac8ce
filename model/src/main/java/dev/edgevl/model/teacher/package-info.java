/**
 * The teacher: the large vision-language model whose embeddings the student learns to reproduce.
 * {@link dev.edgevl.model.teacher.TeacherModel} is what the services see;
 * {@link dev.edgevl.model.teacher.TorchScriptClipTeacher} loads a real CLIP that a user exported to
 * TorchScript, with its HuggingFace tokenizer.
 */
package dev.edgevl.model.teacher;
