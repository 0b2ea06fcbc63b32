/** The trainer job (see docs/user-guide.md and docs/design.md); filled in by later work. */
package dev.cryosphere.trainer;
