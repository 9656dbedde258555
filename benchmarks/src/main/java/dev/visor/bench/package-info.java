/** JMH benchmarks. */
package dev.visor.bench;
