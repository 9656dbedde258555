/** Reusable jqwik contracts for mask-strategy authors. */
package dev.visor.mask.testkit;
