/** The evaluate job (see the README and its issue); filled in by later work. */
package dev.cryosphere.evaluate;
