//===- CheckpointTest.cpp - Checkpoint directories and sharding -----------===//
//
// A checkpoint opens from a directory (single file or sharded with an index) or a
// file; a sharded copy of a fixture binds exactly like the original; broken indexes
// are reported with the index, shard and tensor names.
//
//===----------------------------------------------------------------------===//

#include "compiler/Checkpoint/Checkpoint.h"
#include "compiler/Checkpoint/WeightBinder.h"
#include "tests/unit/checkpoint/TestSupport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cstring>
#include <map>

namespace g4::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Checkpoint, OpensAFixtureDirectory) {
  auto checkpoint = Checkpoint::open(fixtureDir("tiny-31b"));
  G4_ASSERT_OK(checkpoint);
  auto file = SafetensorsFile::open(fixtureFile("tiny-31b"));
  G4_ASSERT_OK(file);
  EXPECT_EQ((*checkpoint)->shards().size(), 1u);
  EXPECT_EQ((*checkpoint)->path(), fixtureDir("tiny-31b"));
  ASSERT_EQ((*checkpoint)->tensors().size(), (*file)->tensors().size());
  for (const TensorRecord *t : (*checkpoint)->tensors())
    EXPECT_EQ((*checkpoint)->lookup(t->name), t);
  EXPECT_TRUE(llvm::is_sorted((*checkpoint)->tensors(),
                              [](auto *a, auto *b) { return a->name < b->name; }));
  EXPECT_EQ((*checkpoint)->lookup("model.language_model.nope"), nullptr);
}

TEST(Checkpoint, OpensASafetensorsFile) {
  auto checkpoint = Checkpoint::open(fixtureFile("tiny-moe"));
  G4_ASSERT_OK(checkpoint);
  EXPECT_NE((*checkpoint)->lookup(textName("layers.0.experts.gate_up_proj")), nullptr);
}

TEST(Checkpoint, DirectoryWithoutCheckpointListsWhatWasLookedFor) {
  TempDir dir;
  std::string msg = errorOf(Checkpoint::open(dir.path()));
  EXPECT_THAT(msg, HasSubstr(dir.path() + ": no checkpoint found"));
  EXPECT_THAT(msg, HasSubstr(dir.file("model.safetensors.index.json")));
  EXPECT_THAT(msg, HasSubstr(dir.file("model.safetensors")));
}

TEST(Checkpoint, MissingPath) {
  TempDir dir;
  std::string msg = errorOf(Checkpoint::open(dir.file("absent")));
  EXPECT_THAT(msg, HasSubstr(dir.file("absent") + ": no such file or directory"));
}

//===----------------------------------------------------------------------===//
// Sharded checkpoints
//===----------------------------------------------------------------------===//

// tiny-e2b split in two shards: model-level tensors and layers 0-4 in the first.
class ShardedCheckpoint : public ::testing::Test {
protected:
  static constexpr const char *kShard1 = "model-00001-of-00002.safetensors";
  static constexpr const char *kShard2 = "model-00002-of-00002.safetensors";

  static bool inFirstShard(llvm::StringRef name) {
    unsigned layer = 0;
    if (name.consume_front(textName("layers.")))
      name.consumeInteger(10, layer);
    return layer < 5;
  }

  void SetUp() override {
    auto read = SafetensorsImage::read(fixtureFile("tiny-e2b"));
    G4_ASSERT_OK(read);
    original = std::move(*read);
    first = original.select(inFirstShard);
    second = original.select([](llvm::StringRef name) { return !inFirstShard(name); });
    for (const std::string &name : original.tensorNames())
      weightMap[name] = inFirstShard(name) ? kShard1 : kShard2;
  }

  void write() {
    ASSERT_FALSE(bool(first.write(dir.file(kShard1))));
    ASSERT_FALSE(bool(second.write(dir.file(kShard2))));
    llvm::json::Object map;
    for (const auto &[tensor, shard] : weightMap)
      map[tensor] = shard;
    llvm::json::Object index{{"metadata", llvm::json::Object{{"total_size", 0}}},
                             {"weight_map", std::move(map)}};
    std::string text;
    llvm::raw_string_ostream(text) << llvm::json::Value(std::move(index));
    ASSERT_FALSE(bool(writeFile(indexPath(), text)));
  }

  std::string indexPath() const { return dir.file("model.safetensors.index.json"); }

  std::string openError() {
    write();
    return errorOf(Checkpoint::open(dir.path()));
  }

  TempDir dir;
  SafetensorsImage original, first, second;
  std::map<std::string, std::string> weightMap;
};

TEST_F(ShardedCheckpoint, BindsLikeTheSingleFile) {
  write();
  auto sharded = Checkpoint::open(dir.path());
  G4_ASSERT_OK(sharded);
  auto single = Checkpoint::open(fixtureDir("tiny-e2b"));
  G4_ASSERT_OK(single);
  EXPECT_EQ((*sharded)->shards().size(), 2u);
  EXPECT_EQ((*sharded)->tensors().size(), (*single)->tensors().size());

  auto def = fixtureModelDef("tiny-e2b");
  G4_ASSERT_OK(def);
  auto fromShards = bindTextDecoderWeights(*def, **sharded);
  G4_ASSERT_OK(fromShards);
  auto fromSingle = bindTextDecoderWeights(*def, **single);
  G4_ASSERT_OK(fromSingle);

  ASSERT_EQ(fromShards->params.size(), fromSingle->params.size());
  for (size_t i = 0; i < fromShards->params.size(); ++i) {
    const BoundParam &a = fromShards->params[i], &b = fromSingle->params[i];
    SCOPED_TRACE(a.spec.name);
    EXPECT_EQ(a.spec.name, b.spec.name);
    EXPECT_EQ(a.record->name, b.record->name);
    EXPECT_EQ(a.record->dtype, b.record->dtype);
    EXPECT_EQ(a.record->shape, b.record->shape);
    ASSERT_EQ(a.record->data().size(), b.record->data().size());
    EXPECT_EQ(
        std::memcmp(a.record->data().data(), b.record->data().data(), a.record->data().size()), 0);
    EXPECT_EQ(a.shardPath, dir.file(inFirstShard(a.record->name) ? kShard1 : kShard2));
  }
  ASSERT_EQ(fromShards->unused.size(), fromSingle->unused.size());
  for (size_t i = 0; i < fromShards->unused.size(); ++i) {
    EXPECT_EQ(fromShards->unused[i].record->name, fromSingle->unused[i].record->name);
    EXPECT_EQ(fromShards->unused[i].detail, fromSingle->unused[i].detail);
  }
}

TEST_F(ShardedCheckpoint, OpensTheIndexFileDirectly) {
  write();
  auto checkpoint = Checkpoint::open(indexPath());
  G4_ASSERT_OK(checkpoint);
  EXPECT_EQ((*checkpoint)->shards().size(), 2u);
}

TEST_F(ShardedCheckpoint, IndexNamesAMissingShard) {
  const std::string norm = textName("norm.weight");
  weightMap[norm] = "model-00003-of-00003.safetensors";
  std::string msg = openError();
  EXPECT_THAT(msg, HasSubstr(indexPath()));
  EXPECT_THAT(msg, HasSubstr("shard 'model-00003-of-00003.safetensors'"));
  EXPECT_THAT(msg, HasSubstr("tensor '" + norm + "'"));
  EXPECT_THAT(msg, HasSubstr(dir.file("model-00003-of-00003.safetensors") +
                             ": cannot open: No such file or directory"));
}

TEST_F(ShardedCheckpoint, IndexNamesATensorAbsentFromItsShard) {
  const std::string norm = textName("norm.weight");
  weightMap[norm] = kShard2;
  std::string msg = openError();
  EXPECT_THAT(msg, HasSubstr(indexPath()));
  EXPECT_THAT(msg, HasSubstr("tensor '" + norm + "' is mapped to shard '" + kShard2 +
                             "', which does not contain it; it is in '" + dir.file(kShard1) + "'"));
}

TEST_F(ShardedCheckpoint, IndexNamesATensorNoShardHas) {
  const std::string ghost = textName("layers.99.self_attn.q_proj.weight");
  weightMap[ghost] = kShard1;
  std::string msg = openError();
  EXPECT_THAT(msg, HasSubstr(indexPath()));
  EXPECT_THAT(msg, HasSubstr("tensor '" + ghost + "' is mapped to shard '" + kShard1 +
                             "', which does not contain it"));
  EXPECT_THAT(msg, Not(HasSubstr("it is in")));
}

TEST_F(ShardedCheckpoint, TensorInTwoShards) {
  const std::string norm = textName("norm.weight");
  second =
      original.select([&](llvm::StringRef name) { return !inFirstShard(name) || name == norm; });
  std::string msg = openError();
  EXPECT_THAT(msg, HasSubstr("tensor '" + norm + "' is present in two shards"));
  EXPECT_THAT(msg, HasSubstr(dir.file(kShard1)));
  EXPECT_THAT(msg, HasSubstr(dir.file(kShard2)));
}

TEST_F(ShardedCheckpoint, IndexWithoutWeightMap) {
  write();
  ASSERT_FALSE(bool(writeFile(indexPath(), "{\"metadata\": {}}")));
  std::string msg = errorOf(Checkpoint::open(dir.path()));
  EXPECT_THAT(msg, HasSubstr(indexPath() + ": missing the \"weight_map\" object"));
}

TEST_F(ShardedCheckpoint, IndexNotJSON) {
  write();
  ASSERT_FALSE(bool(writeFile(indexPath(), "{\"weight_map\": ")));
  std::string msg = errorOf(Checkpoint::open(dir.path()));
  EXPECT_THAT(msg, HasSubstr(indexPath() + ": not valid JSON"));
}

} // namespace
} // namespace g4::test
