/* weights.S - The model's weight blob linked into the image, as firmware keeps it in
 * flash: a 64-byte aligned read-only array (G4_TEST_WEIGHTS is its file). */
  .section .rodata
  .balign 64
  .globl g4_test_weights
g4_test_weights:
  .incbin G4_TEST_WEIGHTS
  .globl g4_test_weights_end
g4_test_weights_end:
  .section .note.GNU-stack,"",@progbits
