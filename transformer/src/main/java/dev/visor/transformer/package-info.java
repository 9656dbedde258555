/** Encoder/decoder Transformers assembled by Guice (see issue 5). */
package dev.visor.transformer;
