// RUN: g4-opt %s --g4-sort-globals | FileCheck %s

// Constant globals move to the start of the module in name order, whatever order
// bufferization created them in; other ops keep their relative order.
// CHECK:      memref.global "private" constant @__constant_16xf32
// CHECK-NEXT: memref.global "private" constant @__constant_4xi1
// CHECK-NEXT: memref.global "private" constant @__constant_8xf32
// CHECK-NEXT: func.func @first
// CHECK:      func.func @second
func.func @first() {
  return
}
memref.global "private" constant @__constant_8xf32 : memref<8xf32> = dense<1.0>
func.func @second() {
  return
}
memref.global "private" constant @__constant_4xi1 : memref<4xi1> = dense<false>
memref.global "private" constant @__constant_16xf32 : memref<16xf32> = dense<2.0>
