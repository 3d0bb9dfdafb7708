/* text.S - The model's text section (g4c --emit=text: the packed tokenizer and the
 * generation defaults) linked into the image, 8-byte aligned; G4_TEST_TEXT is its file. */
  .section .rodata
  .balign 64
  .globl g4_test_text
g4_test_text:
  .incbin G4_TEST_TEXT
  .globl g4_test_text_end
g4_test_text_end:
  .section .note.GNU-stack,"",@progbits
