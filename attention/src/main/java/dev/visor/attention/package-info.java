/** The attention engine: block-sparse flash attention over compiled masks (see issue 4). */
package dev.visor.attention;
