-- Argo CD health check for KafkaCluster and KafkaPipeline (streaming.kafkapipeline.dev).
--
--   Progressing  no status yet, or the controller has not observed the current generation yet
--   Degraded     Stalled=True: the controller cannot progress until the spec or the AWS account changes
--   Suspended    a KafkaPipeline with spec.suspend: true whose delivery is stopped as asked (Ready=True)
--   Healthy      Ready=True for the current generation
--   Progressing  anything else, with the Ready condition's message (which names the step being waited on)

local hs = { status = "Progressing", message = "Waiting for the controller to report status" }

local function find(conditions, conditionType)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function describe(c)
  if c.message ~= nil and c.message ~= "" then
    return c.message
  end
  if c.reason ~= nil and c.reason ~= "" then
    return c.reason
  end
  return c.type .. " is " .. c.status
end

-- current reports whether a status block or condition was computed for the object's current generation.
local function current(observed, generation)
  return generation == nil or (observed ~= nil and observed >= generation)
end

if obj.status == nil then
  return hs
end

local generation = obj.metadata and obj.metadata.generation
if not current(obj.status.observedGeneration, generation) then
  hs.message = "Waiting for the controller to observe generation " .. generation
  return hs
end

local conditions = obj.status.conditions
local stalled = find(conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled)
  return hs
end

local ready = find(conditions, "Ready")
if ready == nil then
  return hs
end
if ready.status == "True" then
  if not current(ready.observedGeneration, generation) then
    hs.message = "Waiting for the controller to observe generation " .. generation
    return hs
  end
  if obj.kind == "KafkaPipeline" and obj.spec ~= nil and obj.spec.suspend == true then
    hs.status = "Suspended"
    hs.message = "Delivery is suspended (spec.suspend: true)"
    return hs
  end
  hs.status = "Healthy"
  hs.message = describe(ready)
  return hs
end
hs.message = describe(ready)
return hs
