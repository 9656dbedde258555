/** The mask SPI: strategies, spec strings and compiled block masks (see issue 3). */
package dev.visor.mask;
